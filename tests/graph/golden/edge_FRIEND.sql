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
    WITH k AS (
        SELECT DISTINCT n."a_id"::text AS key
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND NOT (n."a_id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_src AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_src, k.key,
        ag_catalog._graphid(v_src, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    WITH k AS (
        SELECT DISTINCT n."b_id"::text AS key
        FROM new_rows n
        WHERE n."b_id" IS NOT NULL AND NOT (n."b_id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_tgt AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_tgt, k.key,
        ag_catalog._graphid(v_tgt, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    INSERT INTO "social_test"."FRIEND" (start_id, end_id)
    SELECT CASE WHEN n."a_id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_src, n."a_id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_src AND m.key = n."a_id"::text) END AS start_id,
        CASE WHEN n."b_id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_tgt, n."b_id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_tgt AND m.key = n."b_id"::text) END AS end_id
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
    WITH k AS (
        SELECT DISTINCT n."a_id"::text AS key
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND NOT (n."a_id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_src AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_src, k.key,
        ag_catalog._graphid(v_src, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    WITH k AS (
        SELECT DISTINCT n."b_id"::text AS key
        FROM new_rows n
        WHERE n."b_id" IS NOT NULL AND NOT (n."b_id"::bigint BETWEEN 1 AND 140737488355327)
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_tgt AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_tgt, k.key,
        ag_catalog._graphid(v_tgt, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    DELETE FROM "social_test"."FRIEND" e
    USING (
        SELECT CASE WHEN o."a_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."a_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."a_id"::text) END AS start_id,
            CASE WHEN o."b_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."b_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."b_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
        EXCEPT
        SELECT CASE WHEN n."a_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, n."a_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = n."a_id"::text) END AS start_id,
            CASE WHEN n."b_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, n."b_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = n."b_id"::text) END AS end_id
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND n."b_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    INSERT INTO "social_test"."FRIEND" (start_id, end_id)
    SELECT * FROM (
        SELECT CASE WHEN n."a_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, n."a_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = n."a_id"::text) END AS start_id,
            CASE WHEN n."b_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, n."b_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = n."b_id"::text) END AS end_id
        FROM new_rows n
        WHERE n."a_id" IS NOT NULL AND n."b_id" IS NOT NULL
        EXCEPT
        SELECT CASE WHEN o."a_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."a_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."a_id"::text) END AS start_id,
            CASE WHEN o."b_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."b_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."b_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
    ) x;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."a_id"::text AS key
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND NOT (o."a_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."b_id"::text AS key
        FROM old_rows o
        WHERE o."b_id" IS NOT NULL AND NOT (o."b_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
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
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_src
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_tgt
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
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
        SELECT CASE WHEN o."a_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."a_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."a_id"::text) END AS start_id,
            CASE WHEN o."b_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."b_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."b_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND o."b_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."a_id"::text AS key
        FROM old_rows o
        WHERE o."a_id" IS NOT NULL AND NOT (o."a_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."b_id"::text AS key
        FROM old_rows o
        WHERE o."b_id" IS NOT NULL AND NOT (o."b_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FRIEND_del"
AFTER DELETE ON "friendship"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_friendship_edge_FRIEND_del"();
