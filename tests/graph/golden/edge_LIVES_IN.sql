CREATE OR REPLACE FUNCTION "tridb_person_edge_LIVES_IN_ins"() RETURNS trigger
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
    v_tgt int := ag_catalog._label_id('social_test', 'City');
    v_edge int := ag_catalog._label_id('social_test', 'LIVES_IN');
BEGIN
    INSERT INTO "social_test"."LIVES_IN" (start_id, end_id)
    SELECT ag_catalog._graphid(v_src, n."id"::bigint) AS start_id,
        ag_catalog._graphid(v_tgt, n."city_id"::bigint) AS end_id
    FROM new_rows n
    WHERE n."id" IS NOT NULL AND n."city_id" IS NOT NULL;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_LIVES_IN_ins"
AFTER INSERT ON "person"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_edge_LIVES_IN_ins"();

CREATE OR REPLACE FUNCTION "tridb_person_edge_LIVES_IN_upd"() RETURNS trigger
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
    v_tgt int := ag_catalog._label_id('social_test', 'City');
    v_edge int := ag_catalog._label_id('social_test', 'LIVES_IN');
BEGIN
    DELETE FROM "social_test"."LIVES_IN" e
    USING (
        SELECT ag_catalog._graphid(v_src, o."id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."city_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
        EXCEPT
        SELECT ag_catalog._graphid(v_src, n."id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, n."city_id"::bigint) AS end_id
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND n."city_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    INSERT INTO "social_test"."LIVES_IN" (start_id, end_id)
    SELECT * FROM (
        SELECT ag_catalog._graphid(v_src, n."id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, n."city_id"::bigint) AS end_id
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND n."city_id" IS NOT NULL
        EXCEPT
        SELECT ag_catalog._graphid(v_src, o."id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."city_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
    ) x;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_LIVES_IN_upd"
AFTER UPDATE ON "person"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_edge_LIVES_IN_upd"();

CREATE OR REPLACE FUNCTION "tridb_person_edge_LIVES_IN_trunc"() RETURNS trigger
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
    v_tgt int := ag_catalog._label_id('social_test', 'City');
    v_edge int := ag_catalog._label_id('social_test', 'LIVES_IN');
BEGIN
    DELETE FROM "social_test"."LIVES_IN";
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_LIVES_IN_trunc"
AFTER TRUNCATE ON "person"
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_edge_LIVES_IN_trunc"();

CREATE OR REPLACE FUNCTION "tridb_person_edge_LIVES_IN_del"() RETURNS trigger
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
    v_tgt int := ag_catalog._label_id('social_test', 'City');
    v_edge int := ag_catalog._label_id('social_test', 'LIVES_IN');
BEGIN
    DELETE FROM "social_test"."LIVES_IN" e
    USING (
        SELECT ag_catalog._graphid(v_src, o."id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."city_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_LIVES_IN_del"
AFTER DELETE ON "person"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_edge_LIVES_IN_del"();
