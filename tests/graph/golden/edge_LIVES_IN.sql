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
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND NOT (n."id"::bigint BETWEEN 1 AND 140737488355327)
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
        SELECT DISTINCT n."city_id"::text AS key
        FROM new_rows n
        WHERE n."city_id" IS NOT NULL AND NOT (n."city_id"::bigint BETWEEN 1 AND 140737488355327)
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
    INSERT INTO "social_test"."LIVES_IN" (start_id, end_id)
    SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_src, n."id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_src AND m.key = n."id"::text) END AS start_id,
        CASE WHEN n."city_id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_tgt, n."city_id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_tgt AND m.key = n."city_id"::text) END AS end_id
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
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND NOT (n."id"::bigint BETWEEN 1 AND 140737488355327)
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
        SELECT DISTINCT n."city_id"::text AS key
        FROM new_rows n
        WHERE n."city_id" IS NOT NULL AND NOT (n."city_id"::bigint BETWEEN 1 AND 140737488355327)
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
    DELETE FROM "social_test"."LIVES_IN" e
    USING (
        SELECT CASE WHEN o."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."id"::text) END AS start_id,
            CASE WHEN o."city_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."city_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."city_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
        EXCEPT
        SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, n."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = n."id"::text) END AS start_id,
            CASE WHEN n."city_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, n."city_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = n."city_id"::text) END AS end_id
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND n."city_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    INSERT INTO "social_test"."LIVES_IN" (start_id, end_id)
    SELECT * FROM (
        SELECT CASE WHEN n."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, n."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = n."id"::text) END AS start_id,
            CASE WHEN n."city_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, n."city_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = n."city_id"::text) END AS end_id
        FROM new_rows n
        WHERE n."id" IS NOT NULL AND n."city_id" IS NOT NULL
        EXCEPT
        SELECT CASE WHEN o."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."id"::text) END AS start_id,
            CASE WHEN o."city_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."city_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."city_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
    ) x;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND NOT (o."id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."city_id"::text AS key
        FROM old_rows o
        WHERE o."city_id" IS NOT NULL AND NOT (o."city_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."City" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
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
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_src
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_tgt
      AND NOT EXISTS (SELECT 1 FROM "social_test"."City" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
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
        SELECT CASE WHEN o."id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."id"::text) END AS start_id,
            CASE WHEN o."city_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."city_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."city_id"::text) END AS end_id
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND o."city_id" IS NOT NULL
    ) x
    WHERE e.start_id = x.start_id AND e.end_id = x.end_id;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL AND NOT (o."id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."city_id"::text AS key
        FROM old_rows o
        WHERE o."city_id" IS NOT NULL AND NOT (o."city_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."City" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_LIVES_IN_del"
AFTER DELETE ON "person"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_person_edge_LIVES_IN_del"();
