CREATE OR REPLACE FUNCTION "tridb_person_vertex_trunc"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Person');
BEGIN
    DELETE FROM "social_test"."Person";
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_label
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_trunc"
AFTER TRUNCATE ON "person"
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_vertex_trunc"();

CREATE OR REPLACE FUNCTION "tridb_person_vertex_ins"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Person');
BEGIN
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND NOT (n."id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_label AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_label, k.key,
        ag_catalog._graphid(v_label, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    INSERT INTO "social_test"."Person" (id, properties)
    SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_label, n."id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_label AND m.key = n."id"::text) END,
        ('{' || array_to_string(ARRAY[
                CASE WHEN n."id" IS NULL THEN NULL ELSE '"id": ' || n."id"::text END,
                CASE WHEN n."name" IS NULL THEN NULL ELSE '"name": ' || to_json(n."name")::text END,
                CASE WHEN n."born" IS NULL THEN NULL ELSE '"born": ' || to_json(n."born")::text END,
                CASE WHEN n."seen_at" IS NULL THEN NULL ELSE '"seen_at": ' || to_json(n."seen_at")::text END,
                CASE WHEN n."balance" IS NULL THEN NULL ELSE '"balance": ' || n."balance"::text || '::numeric' END,
                CASE WHEN n."score" IS NULL THEN NULL ELSE '"score": ' || CASE WHEN n."score"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."score"::text ELSE n."score"::text || '::float' END END,
                CASE WHEN n."active" IS NULL THEN NULL ELSE '"active": ' || n."active"::text END,
                CASE WHEN n."mood" IS NULL THEN NULL ELSE '"mood": ' || to_json(n."mood")::text END,
                CASE WHEN n."token" IS NULL THEN NULL ELSE '"token": ' || to_json(n."token")::text END,
                CASE WHEN n."extra" IS NULL THEN NULL ELSE '"extra": ' || CASE WHEN jsonb_path_exists(
                        to_jsonb(n."extra"),
                        'lax $.** ? (@.type() == "number" && (@.abs() > 9223372036854775807 || (@ != 0 && @.abs() < 1e-307)))')
                    THEN "social_test"."tridb$agtype_json_v1"(to_jsonb(n."extra"))
                    ELSE to_json(n."extra")::text END END,
                CASE WHEN n."city_id" IS NULL THEN NULL ELSE '"city_id": ' || n."city_id"::text END], ', ') || '}')::ag_catalog.agtype
    FROM new_rows n;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_ins"
AFTER INSERT ON "person"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_vertex_ins"();

CREATE OR REPLACE FUNCTION "tridb_person_vertex_upd"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Person');
BEGIN
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND NOT (n."id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_label AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_label, k.key,
        ag_catalog._graphid(v_label, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    DELETE FROM "social_test"."Person"
    WHERE id IN (
        SELECT CASE WHEN o."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_label, o."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = o."id"::text) END FROM old_rows o
        EXCEPT
        SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_label, n."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = n."id"::text) END FROM new_rows n
    );
    INSERT INTO "social_test"."Person" (id, properties)
    SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_label, n."id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_label AND m.key = n."id"::text) END,
        ('{' || array_to_string(ARRAY[
                CASE WHEN n."id" IS NULL THEN NULL ELSE '"id": ' || n."id"::text END,
                CASE WHEN n."name" IS NULL THEN NULL ELSE '"name": ' || to_json(n."name")::text END,
                CASE WHEN n."born" IS NULL THEN NULL ELSE '"born": ' || to_json(n."born")::text END,
                CASE WHEN n."seen_at" IS NULL THEN NULL ELSE '"seen_at": ' || to_json(n."seen_at")::text END,
                CASE WHEN n."balance" IS NULL THEN NULL ELSE '"balance": ' || n."balance"::text || '::numeric' END,
                CASE WHEN n."score" IS NULL THEN NULL ELSE '"score": ' || CASE WHEN n."score"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."score"::text ELSE n."score"::text || '::float' END END,
                CASE WHEN n."active" IS NULL THEN NULL ELSE '"active": ' || n."active"::text END,
                CASE WHEN n."mood" IS NULL THEN NULL ELSE '"mood": ' || to_json(n."mood")::text END,
                CASE WHEN n."token" IS NULL THEN NULL ELSE '"token": ' || to_json(n."token")::text END,
                CASE WHEN n."extra" IS NULL THEN NULL ELSE '"extra": ' || CASE WHEN jsonb_path_exists(
                        to_jsonb(n."extra"),
                        'lax $.** ? (@.type() == "number" && (@.abs() > 9223372036854775807 || (@ != 0 && @.abs() < 1e-307)))')
                    THEN "social_test"."tridb$agtype_json_v1"(to_jsonb(n."extra"))
                    ELSE to_json(n."extra")::text END END,
                CASE WHEN n."city_id" IS NULL THEN NULL ELSE '"city_id": ' || n."city_id"::text END], ', ') || '}')::ag_catalog.agtype
    FROM new_rows n
    ON CONFLICT (id) DO UPDATE SET properties = EXCLUDED.properties
    WHERE "social_test"."Person".properties IS DISTINCT FROM EXCLUDED.properties;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND NOT (o."id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_label AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_upd"
AFTER UPDATE ON "person"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_vertex_upd"();

CREATE OR REPLACE FUNCTION "tridb_person_vertex_del"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Person');
BEGIN
    DELETE FROM "social_test"."Person"
    WHERE id IN (
        SELECT CASE WHEN o."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_label, o."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = o."id"::text) END FROM old_rows o
    );
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND NOT (o."id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_label AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_del"
AFTER DELETE ON "person"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_vertex_del"();
