CREATE OR REPLACE FUNCTION "tridb_friendship_edge_FRIEND_ins"() RETURNS trigger
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
    v_edge int := ag_catalog._label_id('social_test', 'FRIEND');
BEGIN
    INSERT INTO "social_test"."FRIEND" (start_id, end_id)
    SELECT ag_catalog._graphid(v_src, n."a_id"::bigint) AS start_id,
        ag_catalog._graphid(v_tgt, n."b_id"::bigint) AS end_id
    FROM new_rows n
    WHERE n."a_id" IS NOT NULL AND n."b_id" IS NOT NULL;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FRIEND_ins"
AFTER INSERT ON "friendship"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_friendship_edge_FRIEND_ins"();

CREATE OR REPLACE FUNCTION "tridb_friendship_edge_FRIEND_upd"() RETURNS trigger
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
    v_edge int := ag_catalog._label_id('social_test', 'FRIEND');
BEGIN
    DELETE FROM "social_test"."FRIEND" e
    USING (
        SELECT ag_catalog._graphid(v_src, o."a_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."b_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
        EXCEPT
        SELECT ag_catalog._graphid(v_src, n."a_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, n."b_id"::bigint) AS end_id
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND n."b_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    INSERT INTO "social_test"."FRIEND" (start_id, end_id)
    SELECT * FROM (
        SELECT ag_catalog._graphid(v_src, n."a_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, n."b_id"::bigint) AS end_id
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND n."b_id" IS NOT NULL
        EXCEPT
        SELECT ag_catalog._graphid(v_src, o."a_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."b_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
    ) x;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FRIEND_upd"
AFTER UPDATE ON "friendship"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_friendship_edge_FRIEND_upd"();

CREATE OR REPLACE FUNCTION "tridb_friendship_edge_FRIEND_trunc"() RETURNS trigger
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
    v_edge int := ag_catalog._label_id('social_test', 'FRIEND');
BEGIN
    DELETE FROM "social_test"."FRIEND";
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FRIEND_trunc"
AFTER TRUNCATE ON "friendship"
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_friendship_edge_FRIEND_trunc"();

CREATE OR REPLACE FUNCTION "tridb_friendship_edge_FRIEND_del"() RETURNS trigger
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
    v_edge int := ag_catalog._label_id('social_test', 'FRIEND');
BEGIN
    DELETE FROM "social_test"."FRIEND" e
    USING (
        SELECT ag_catalog._graphid(v_src, o."a_id"::bigint) AS start_id,
            ag_catalog._graphid(v_tgt, o."b_id"::bigint) AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FRIEND_del"
AFTER DELETE ON "friendship"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_friendship_edge_FRIEND_del"();
