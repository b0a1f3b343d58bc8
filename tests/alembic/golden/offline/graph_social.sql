-- upgrade
DO $tridb$
BEGIN
    IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN
        PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'social') THEN
        PERFORM ag_catalog.create_graph('social');
    END IF;
END
$tridb$;

-- downgrade
DO $tridb$
BEGIN
    IF EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'social') THEN
        PERFORM ag_catalog.drop_graph('social', true);
    END IF;
END
$tridb$;
