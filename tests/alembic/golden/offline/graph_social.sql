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
