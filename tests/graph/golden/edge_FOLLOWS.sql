CREATE OR REPLACE FUNCTION "tridb_follows_edge_FOLLOWS_ins"() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, ag_catalog, pg_temp
SET extra_float_digits = 1
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'iso_8601'
SET timezone = 'UTC'
SET bytea_output = 'hex'
AS $tridb$
DECLARE
    v_src int := ag_catalog._label_id('social_test', 'Person');
    v_tgt int := ag_catalog._label_id('social_test', 'Person');
    v_edge int := ag_catalog._label_id('social_test', 'FOLLOWS');
BEGIN
    INSERT INTO "social_test"."FOLLOWS" (id, start_id, end_id, properties)
    SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) AS id,
        ag_catalog._graphid(v_src, n."follower_id"::bigint) AS start_id,
        ag_catalog._graphid(v_tgt, n."followee_id"::bigint) AS end_id,
        ('{' || array_to_string(ARRAY[
                CASE WHEN n."since" IS NULL THEN NULL ELSE '"since": ' || to_json(n."since")::text END,
                CASE WHEN n."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN n."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."weight"::text ELSE n."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
    FROM new_rows n
    WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FOLLOWS_ins"
AFTER INSERT ON "follows"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_follows_edge_FOLLOWS_ins"();

CREATE OR REPLACE FUNCTION "tridb_follows_edge_FOLLOWS_upd"() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, ag_catalog, pg_temp
SET extra_float_digits = 1
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'iso_8601'
SET timezone = 'UTC'
SET bytea_output = 'hex'
AS $tridb$
DECLARE
    v_src int := ag_catalog._label_id('social_test', 'Person');
    v_tgt int := ag_catalog._label_id('social_test', 'Person');
    v_edge int := ag_catalog._label_id('social_test', 'FOLLOWS');
BEGIN
    DELETE FROM "social_test"."FOLLOWS"
    WHERE id IN (
        SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) FROM old_rows o
        EXCEPT
        SELECT x.id FROM (
            SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) AS id,
                ag_catalog._graphid(v_src, n."follower_id"::bigint) AS start_id,
                ag_catalog._graphid(v_tgt, n."followee_id"::bigint) AS end_id,
                ('{' || array_to_string(ARRAY[
                        CASE WHEN n."since" IS NULL THEN NULL ELSE '"since": ' || to_json(n."since")::text END,
                        CASE WHEN n."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN n."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."weight"::text ELSE n."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
            FROM new_rows n
            WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
        ) x
    );
    INSERT INTO "social_test"."FOLLOWS" (id, start_id, end_id, properties)
    SELECT * FROM (
        SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) AS id,
            ag_catalog._graphid(v_src, n."follower_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, n."followee_id"::bigint) AS end_id,
            ('{' || array_to_string(ARRAY[
                    CASE WHEN n."since" IS NULL THEN NULL ELSE '"since": ' || to_json(n."since")::text END,
                    CASE WHEN n."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN n."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."weight"::text ELSE n."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
        EXCEPT
        SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) AS id,
            ag_catalog._graphid(v_src, o."follower_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."followee_id"::bigint) AS end_id,
            ('{' || array_to_string(ARRAY[
                    CASE WHEN o."since" IS NULL THEN NULL ELSE '"since": ' || to_json(o."since")::text END,
                    CASE WHEN o."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN o."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN o."weight"::text ELSE o."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
        FROM old_rows o
        WHERE o."follower_id" IS NOT NULL AND o."followee_id" IS NOT NULL
    ) x
    ON CONFLICT (id) DO UPDATE SET
        start_id = EXCLUDED.start_id,
        end_id = EXCLUDED.end_id,
        properties = EXCLUDED.properties;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FOLLOWS_upd"
AFTER UPDATE ON "follows"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_follows_edge_FOLLOWS_upd"();

CREATE OR REPLACE FUNCTION "tridb_follows_edge_FOLLOWS_trunc"() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, ag_catalog, pg_temp
SET extra_float_digits = 1
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'iso_8601'
SET timezone = 'UTC'
SET bytea_output = 'hex'
AS $tridb$
DECLARE
    v_src int := ag_catalog._label_id('social_test', 'Person');
    v_tgt int := ag_catalog._label_id('social_test', 'Person');
    v_edge int := ag_catalog._label_id('social_test', 'FOLLOWS');
BEGIN
    DELETE FROM "social_test"."FOLLOWS";
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FOLLOWS_trunc"
AFTER TRUNCATE ON "follows"
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_follows_edge_FOLLOWS_trunc"();

CREATE OR REPLACE FUNCTION "tridb_follows_edge_FOLLOWS_del"() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, ag_catalog, pg_temp
SET extra_float_digits = 1
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'iso_8601'
SET timezone = 'UTC'
SET bytea_output = 'hex'
AS $tridb$
DECLARE
    v_src int := ag_catalog._label_id('social_test', 'Person');
    v_tgt int := ag_catalog._label_id('social_test', 'Person');
    v_edge int := ag_catalog._label_id('social_test', 'FOLLOWS');
BEGIN
    DELETE FROM "social_test"."FOLLOWS"
    WHERE id IN (
        SELECT ag_catalog._graphid(v_edge, (pg_catalog.hashtextextended(pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text, 0) OPERATOR(pg_catalog.&) 140737488355327)) FROM old_rows o
    );
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FOLLOWS_del"
AFTER DELETE ON "follows"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_follows_edge_FOLLOWS_del"();
