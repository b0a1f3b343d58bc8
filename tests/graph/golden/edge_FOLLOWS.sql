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
    WITH k AS (
        SELECT DISTINCT n."follower_id"::text AS key
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND NOT (n."follower_id"::bigint BETWEEN 1 AND 140737488355327)
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
        SELECT DISTINCT n."followee_id"::text AS key
        FROM new_rows n
        WHERE n."followee_id" IS NOT NULL AND NOT (n."followee_id"::bigint BETWEEN 1 AND 140737488355327)
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
    WITH k AS (
        SELECT DISTINCT pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text AS key
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_edge AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_edge, k.key,
        ag_catalog._graphid(v_edge, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    INSERT INTO "social_test"."FOLLOWS" (id, start_id, end_id, properties)
    SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text) AS id,
        CASE WHEN n."follower_id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_src, n."follower_id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_src AND m.key = n."follower_id"::text) END AS start_id,
        CASE WHEN n."followee_id"::bigint BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(v_tgt, n."followee_id"::bigint)
        ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_tgt AND m.key = n."followee_id"::text) END AS end_id,
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
    WITH k AS (
        SELECT DISTINCT n."follower_id"::text AS key
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND NOT (n."follower_id"::bigint BETWEEN 1 AND 140737488355327)
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
        SELECT DISTINCT n."followee_id"::text AS key
        FROM new_rows n
        WHERE n."followee_id" IS NOT NULL AND NOT (n."followee_id"::bigint BETWEEN 1 AND 140737488355327)
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
    WITH k AS (
        SELECT DISTINCT pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text AS key
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
    ), held AS (
        SELECT m.key FROM "social_test"."tridb$keys" m JOIN k ON m.label = v_edge AND m.key = k.key
        FOR KEY SHARE OF m
    )
    INSERT INTO "social_test"."tridb$keys" (label, key, id)
    SELECT v_edge, k.key,
        ag_catalog._graphid(v_edge, pg_catalog.nextval('"social_test"."tridb$entry"'::pg_catalog.regclass))
    FROM k
    WHERE k.key NOT IN (SELECT held.key FROM held)
    ON CONFLICT DO NOTHING;
    DELETE FROM "social_test"."FOLLOWS"
    WHERE id IN (
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text) FROM old_rows o
        EXCEPT
        SELECT x.id FROM (
            SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
                 WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text) AS id,
                CASE WHEN n."follower_id"::bigint BETWEEN 1 AND 140737488355327
                THEN ag_catalog._graphid(v_src, n."follower_id"::bigint)
                ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
                 WHERE m.label = v_src AND m.key = n."follower_id"::text) END AS start_id,
                CASE WHEN n."followee_id"::bigint BETWEEN 1 AND 140737488355327
                THEN ag_catalog._graphid(v_tgt, n."followee_id"::bigint)
                ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
                 WHERE m.label = v_tgt AND m.key = n."followee_id"::text) END AS end_id,
                ('{' || array_to_string(ARRAY[
                        CASE WHEN n."since" IS NULL THEN NULL ELSE '"since": ' || to_json(n."since")::text END,
                        CASE WHEN n."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN n."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."weight"::text ELSE n."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
            FROM new_rows n
            WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
        ) x
    );
    INSERT INTO "social_test"."FOLLOWS" (id, start_id, end_id, properties)
    SELECT * FROM (
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[n."follower_id"::text, n."followee_id"::text])::text) AS id,
            CASE WHEN n."follower_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, n."follower_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = n."follower_id"::text) END AS start_id,
            CASE WHEN n."followee_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, n."followee_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = n."followee_id"::text) END AS end_id,
            ('{' || array_to_string(ARRAY[
                    CASE WHEN n."since" IS NULL THEN NULL ELSE '"since": ' || to_json(n."since")::text END,
                    CASE WHEN n."weight" IS NULL THEN NULL ELSE '"weight": ' || CASE WHEN n."weight"::float8 IN ('NaN', 'Infinity', '-Infinity') THEN n."weight"::text ELSE n."weight"::text || '::float' END END], ', ') || '}')::ag_catalog.agtype AS properties
        FROM new_rows n
        WHERE n."follower_id" IS NOT NULL AND n."followee_id" IS NOT NULL
        EXCEPT
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text) AS id,
            CASE WHEN o."follower_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_src, o."follower_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_src AND m.key = o."follower_id"::text) END AS start_id,
            CASE WHEN o."followee_id"::bigint BETWEEN 1 AND 140737488355327
            THEN ag_catalog._graphid(v_tgt, o."followee_id"::bigint)
            ELSE (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_tgt AND m.key = o."followee_id"::text) END AS end_id,
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
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."follower_id"::text AS key
        FROM old_rows o
        WHERE o."follower_id" IS NOT NULL AND NOT (o."follower_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."followee_id"::text AS key
        FROM old_rows o
        WHERE o."followee_id" IS NOT NULL AND NOT (o."followee_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text AS key
        FROM old_rows o
        WHERE o."follower_id" IS NOT NULL AND o."followee_id" IS NOT NULL
    ) k
    WHERE m.label = v_edge AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."FOLLOWS" h WHERE h.id OPERATOR(ag_catalog.=) m.id);
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
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_edge
      AND NOT EXISTS (SELECT 1 FROM "social_test"."FOLLOWS" h WHERE h.id OPERATOR(ag_catalog.=) m.id);
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
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_edge AND m.key = pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text) FROM old_rows o
    );
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."follower_id"::text AS key
        FROM old_rows o
        WHERE o."follower_id" IS NOT NULL AND NOT (o."follower_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_src AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."followee_id"::text AS key
        FROM old_rows o
        WHERE o."followee_id" IS NOT NULL AND NOT (o."followee_id"::bigint BETWEEN 1 AND 140737488355327)
    ) k
    WHERE m.label = v_tgt AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Person" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT pg_catalog.array_to_json(ARRAY[o."follower_id"::text, o."followee_id"::text])::text AS key
        FROM old_rows o
        WHERE o."follower_id" IS NOT NULL AND o."followee_id" IS NOT NULL
    ) k
    WHERE m.label = v_edge AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."FOLLOWS" h WHERE h.id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_edge_FOLLOWS_del"
AFTER DELETE ON "follows"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_follows_edge_FOLLOWS_del"();
