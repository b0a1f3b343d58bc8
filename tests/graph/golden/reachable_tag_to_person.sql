WITH RECURSIVE walk(vid, depth) AS (
    SELECT (SELECT m.id FROM "social_test"."tridb$keys" m
         WHERE m.label = ag_catalog._label_id('social_test', 'Tag') AND m.key = CAST(:tridb_start_0 AS TEXT)), 0
    UNION
    SELECT s.dst, w.depth + 1
    FROM walk w
    JOIN (
        SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst FROM social_test."FOLLOWS"
    ) s ON s.src OPERATOR(ag_catalog.=) w.vid
    WHERE w.depth < :tridb_max_hops
)
SELECT vid, min(depth) AS hops,
    CASE WHEN (vid::text::bigint OPERATOR(pg_catalog.&) 281474976710655) <= 140737488355327 THEN (vid::text::bigint OPERATOR(pg_catalog.&) 281474976710655)
        ELSE (SELECT m.key::bigint FROM "social_test"."tridb$keys" m
              WHERE m.id OPERATOR(ag_catalog.=) vid) END AS id
FROM walk
WHERE ag_catalog._extract_label_id(vid) = (SELECT ag_catalog._label_id('social_test', 'Person'))
GROUP BY vid
HAVING min(depth) >= :tridb_min_hops
