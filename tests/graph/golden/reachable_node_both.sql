WITH RECURSIVE walk(vid, depth) AS (
    SELECT CASE WHEN CAST(:tridb_start_0 AS BIGINT) BETWEEN 1 AND 140737488355327
        THEN ag_catalog._graphid(ag_catalog._label_id('walk_test', 'Node'), CAST(:tridb_start_0 AS BIGINT))
        ELSE (SELECT m.id FROM "walk_test"."tridb$keys" m
         WHERE m.label = ag_catalog._label_id('walk_test', 'Node') AND m.key = CAST(:tridb_start_0 AS TEXT)) END, 0
    UNION
    SELECT s.dst, w.depth + 1
    FROM walk w
    JOIN (
        SELECT walk_test."LINK".start_id AS src, walk_test."LINK".end_id AS dst FROM walk_test."LINK"
        UNION ALL
        SELECT walk_test."LINK".end_id AS src, walk_test."LINK".start_id AS dst FROM walk_test."LINK"
        UNION ALL
        SELECT walk_test."OTHER".start_id AS src, walk_test."OTHER".end_id AS dst FROM walk_test."OTHER"
        UNION ALL
        SELECT walk_test."OTHER".end_id AS src, walk_test."OTHER".start_id AS dst FROM walk_test."OTHER"
    ) s ON s.src OPERATOR(ag_catalog.=) w.vid
    WHERE w.depth < :tridb_max_hops
)
SELECT vid, min(depth) AS hops,
    CASE WHEN (vid::text::bigint OPERATOR(pg_catalog.&) 281474976710655) <= 140737488355327 THEN (vid::text::bigint OPERATOR(pg_catalog.&) 281474976710655)
        ELSE (SELECT m.key::bigint FROM "walk_test"."tridb$keys" m
              WHERE m.id OPERATOR(ag_catalog.=) vid) END AS id
FROM walk
WHERE ag_catalog._extract_label_id(vid) = (SELECT ag_catalog._label_id('walk_test', 'Node'))
GROUP BY vid
HAVING min(depth) >= :tridb_min_hops
