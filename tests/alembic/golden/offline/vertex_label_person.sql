-- upgrade
DO $tridb$
BEGIN
    IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN
        PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM ag_catalog.ag_label l
        JOIN ag_catalog.ag_graph g ON l.graph = g.graphid
        WHERE g.name = 'social' AND l.name = 'Person'
    ) THEN
        PERFORM ag_catalog.create_vlabel('social', 'Person');
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_attribute a
          ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = '"social"."Person"'::regclass
          AND i.indisunique AND i.indnatts = 1 AND a.attname = 'id'
    ) THEN
        CREATE UNIQUE INDEX IF NOT EXISTS "Person_tridb_id"
            ON "social"."Person" (id);
    END IF;
END
$tridb$;

-- downgrade
DO $tridb$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ag_catalog.ag_label l
        JOIN ag_catalog.ag_graph g ON l.graph = g.graphid
        WHERE g.name = 'social' AND l.name = 'Person'
    ) THEN
        PERFORM ag_catalog.drop_label('social', 'Person');
    END IF;
END
$tridb$;
