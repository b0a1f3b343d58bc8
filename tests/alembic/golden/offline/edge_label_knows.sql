-- upgrade
DO $tridb$
BEGIN
    IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN
        PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
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
    IF NOT EXISTS (
        SELECT 1 FROM ag_catalog.ag_label l
        JOIN ag_catalog.ag_graph g ON l.graph = g.graphid
        WHERE g.name = 'social' AND l.name = 'KNOWS'
    ) THEN
        PERFORM ag_catalog.create_elabel('social', 'KNOWS');
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_attribute a
          ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = '"social"."KNOWS"'::regclass
          AND i.indisunique AND i.indnatts = 1 AND a.attname = 'id'
    ) THEN
        CREATE UNIQUE INDEX IF NOT EXISTS "KNOWS_tridb_id"
            ON "social"."KNOWS" (id);
    END IF;
    CREATE INDEX IF NOT EXISTS "KNOWS_tridb_start"
        ON "social"."KNOWS" (start_id, end_id);
    CREATE INDEX IF NOT EXISTS "KNOWS_tridb_end"
        ON "social"."KNOWS" (end_id, start_id);
END
$tridb$;

-- downgrade
DO $tridb$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ag_catalog.ag_label l
        JOIN ag_catalog.ag_graph g ON l.graph = g.graphid
        WHERE g.name = 'social' AND l.name = 'KNOWS'
    ) THEN
        IF pg_catalog.to_regclass('"social"."tridb$keys"') IS NOT NULL THEN
            DELETE FROM "social"."tridb$keys" WHERE label = ag_catalog._label_id('social', 'KNOWS');
        END IF;
        PERFORM ag_catalog.drop_label('social', 'KNOWS');
    END IF;
END
$tridb$;
