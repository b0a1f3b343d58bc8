CREATE OR REPLACE FUNCTION "tridb_tag_vertex_trunc"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Tag');
BEGIN
    DELETE FROM "social_test"."Tag";
    DELETE FROM "social_test"."tridb$keys" m
    WHERE m.label = v_label
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Tag" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_trunc"
AFTER TRUNCATE ON "tag"
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_tag_vertex_trunc"();

CREATE OR REPLACE FUNCTION "tridb_tag_vertex_ins"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Tag');
BEGIN
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL
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
    INSERT INTO "social_test"."Tag" (id, properties)
    SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_label AND m.key = n."id"::text),
        ('{' || array_to_string(ARRAY[
                CASE WHEN n."id" IS NULL THEN NULL ELSE '"id": ' || to_json(n."id")::text END,
                CASE WHEN n."name" IS NULL THEN NULL ELSE '"name": ' || to_json(n."name")::text END], ', ') || '}')::ag_catalog.agtype
    FROM new_rows n;
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_ins"
AFTER INSERT ON "tag"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_tag_vertex_ins"();

CREATE OR REPLACE FUNCTION "tridb_tag_vertex_upd"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Tag');
BEGIN
    WITH k AS (
        SELECT DISTINCT n."id"::text AS key
        FROM new_rows n
        WHERE n."id" IS NOT NULL
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
    DELETE FROM "social_test"."Tag"
    WHERE id IN (
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = o."id"::text) FROM old_rows o
        EXCEPT
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = n."id"::text) FROM new_rows n
    );
    INSERT INTO "social_test"."Tag" (id, properties)
    SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = v_label AND m.key = n."id"::text),
        ('{' || array_to_string(ARRAY[
                CASE WHEN n."id" IS NULL THEN NULL ELSE '"id": ' || to_json(n."id")::text END,
                CASE WHEN n."name" IS NULL THEN NULL ELSE '"name": ' || to_json(n."name")::text END], ', ') || '}')::ag_catalog.agtype
    FROM new_rows n
    ON CONFLICT (id) DO UPDATE SET properties = EXCLUDED.properties
    WHERE "social_test"."Tag".properties IS DISTINCT FROM EXCLUDED.properties;
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL
    ) k
    WHERE m.label = v_label AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Tag" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_upd"
AFTER UPDATE ON "tag"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_tag_vertex_upd"();

CREATE OR REPLACE FUNCTION "tridb_tag_vertex_del"() RETURNS trigger
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
    v_label int := ag_catalog._label_id('social_test', 'Tag');
BEGIN
    DELETE FROM "social_test"."Tag"
    WHERE id IN (
        SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
             WHERE m.label = v_label AND m.key = o."id"::text) FROM old_rows o
    );
    DELETE FROM "social_test"."tridb$keys" m
    USING (
        SELECT DISTINCT o."id"::text AS key
        FROM old_rows o
        WHERE o."id" IS NOT NULL
    ) k
    WHERE m.label = v_label AND m.key = k.key
      AND NOT EXISTS (SELECT 1 FROM "social_test"."Tag" h WHERE h.id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.start_id OPERATOR(ag_catalog.=) m.id)
      AND NOT EXISTS (SELECT 1 FROM "social_test"."_ag_label_edge" e WHERE e.end_id OPERATOR(ag_catalog.=) m.id);
    RETURN NULL;
END
$tridb$;

CREATE OR REPLACE TRIGGER "tridb_vertex_del"
AFTER DELETE ON "tag"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "tridb_tag_vertex_del"();
