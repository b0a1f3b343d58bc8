-- upgrade
DO $tridb$
BEGIN
    IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN
        PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'social') THEN
        PERFORM ag_catalog.create_graph('social');
    END IF;
    CREATE TABLE IF NOT EXISTS "social"."tridb$keys" (
        label int4 NOT NULL,
        key text NOT NULL,
        id ag_catalog.graphid NOT NULL,
        PRIMARY KEY (label, key)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS "tridb$keys_id" ON "social"."tridb$keys" (id);
    CREATE SEQUENCE IF NOT EXISTS "social"."tridb$entry"
        AS bigint MINVALUE 140737488355328 MAXVALUE 281474976710655 START 140737488355328;
    IF pg_catalog.to_regprocedure('"social"."tridb$agtype_json_v1"(jsonb)') IS NULL THEN
        CREATE OR REPLACE FUNCTION "social"."tridb$agtype_json_v1"(j jsonb) RETURNS text
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
        SET search_path = pg_catalog, pg_temp
        AS $tridb_json$
        DECLARE
            parts text[] := '{}';
            k text;
            v jsonb;
            n numeric;
        BEGIN
            CASE jsonb_typeof(j)
            WHEN 'object' THEN
                FOR k, v IN SELECT e.key, e.value FROM jsonb_each(j) e LOOP
                    parts := parts || (to_json(k)::text || ': ' || "social"."tridb$agtype_json_v1"(v));
                END LOOP;
                RETURN '{' || array_to_string(parts, ', ') || '}';
            WHEN 'array' THEN
                FOR v IN SELECT e.value FROM jsonb_array_elements(j) e LOOP
                    parts := parts || "social"."tridb$agtype_json_v1"(v);
                END LOOP;
                RETURN '[' || array_to_string(parts, ', ') || ']';
            WHEN 'number' THEN
                n := j::text::numeric;
                IF abs(n) > 9223372036854775807 OR (n <> 0 AND abs(n) < 1e-307) THEN
                    RETURN n::text || '::numeric';
                END IF;
                RETURN j::text;
            ELSE
                RETURN j::text;
            END CASE;
        END
        $tridb_json$;
    END IF;
END
$tridb$;

-- downgrade
DO $tridb$
BEGIN
    IF pg_catalog.to_regclass('ag_catalog.ag_graph') IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'social') THEN
            PERFORM ag_catalog.drop_graph('social', true);
        END IF;
    END IF;
END
$tridb$;
