SELECT node.id, (SELECT count(*) AS count_1 
FROM (SELECT walk_test."LINK".end_id AS src, walk_test."LINK".start_id AS dst 
FROM walk_test."LINK" UNION ALL SELECT walk_test."OTHER".end_id AS src, walk_test."OTHER".start_id AS dst 
FROM walk_test."OTHER") AS steps 
WHERE steps.src OPERATOR(ag_catalog.=) CASE WHEN (CAST(node.id AS BIGINT) BETWEEN %(param_1)s AND %(param_2)s) THEN ag_catalog._graphid(ag_catalog._label_id(%(param_3)s, %(param_4)s), CAST(node.id AS BIGINT)) ELSE (SELECT walk_test.tridb$keys.id 
FROM walk_test.tridb$keys, node 
WHERE walk_test.tridb$keys.label = ag_catalog._label_id(%(param_3)s, %(param_4)s) AND walk_test.tridb$keys.key = CAST(node.id AS TEXT)) END) AS anon_1 
FROM node

SELECT anon_1.vid, anon_1.paths, anon_1.id 
FROM (SELECT anon_2.vid AS vid, anon_2.paths AS paths, CASE WHEN ((CAST(CAST(anon_2.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s) <= %(param_2)s) THEN CAST(CAST(anon_2.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s ELSE (SELECT CAST(walk_test.tridb$keys.key AS BIGINT) AS key 
FROM walk_test.tridb$keys 
WHERE walk_test.tridb$keys.id OPERATOR(ag_catalog.=) anon_2.vid) END AS id 
FROM (SELECT s1.dst AS vid, count(*) AS paths 
FROM (SELECT walk_test."LINK".start_id AS src, walk_test."LINK".end_id AS dst 
FROM walk_test."LINK") AS s0 JOIN (SELECT walk_test."OTHER".end_id AS src, walk_test."OTHER".start_id AS dst 
FROM walk_test."OTHER") AS s1 ON s1.src OPERATOR(ag_catalog.=) s0.dst 
WHERE s0.src OPERATOR(ag_catalog.=) CASE WHEN (CAST(%(param_3)s AS BIGINT) BETWEEN %(param_4)s AND %(param_5)s) THEN ag_catalog._graphid(ag_catalog._label_id(%(param_6)s, %(param_7)s), CAST(%(param_3)s AS BIGINT)) ELSE (SELECT walk_test.tridb$keys.id 
FROM walk_test.tridb$keys 
WHERE walk_test.tridb$keys.label = ag_catalog._label_id(%(param_6)s, %(param_7)s) AND walk_test.tridb$keys.key = CAST(%(param_3)s AS TEXT)) END GROUP BY s1.dst) AS anon_2 
WHERE ag_catalog._extract_label_id(anon_2.vid) = (SELECT ag_catalog._label_id(%(param_8)s, %(param_9)s) AS _label_id_1)) AS anon_1

SELECT anon_1.vid, anon_1.mutual, anon_1.id 
FROM (SELECT anon_2.vid AS vid, anon_2.mutual AS mutual, CASE WHEN ((CAST(CAST(anon_2.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s) <= %(param_2)s) THEN CAST(CAST(anon_2.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s ELSE (SELECT CAST(social_test.tridb$keys.key AS BIGINT) AS key 
FROM social_test.tridb$keys 
WHERE social_test.tridb$keys.id OPERATOR(ag_catalog.=) anon_2.vid) END AS id 
FROM (SELECT s2.dst AS vid, count(distinct(s1.dst)) AS mutual 
FROM (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s1 JOIN (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s2 ON s2.src OPERATOR(ag_catalog.=) s1.dst 
WHERE (s1.src OPERATOR(ag_catalog.=) CASE WHEN (CAST(%(param_3)s AS BIGINT) BETWEEN %(param_4)s AND %(param_5)s) THEN ag_catalog._graphid(ag_catalog._label_id(%(param_6)s, %(param_7)s), CAST(%(param_3)s AS BIGINT)) ELSE (SELECT social_test.tridb$keys.id 
FROM social_test.tridb$keys 
WHERE social_test.tridb$keys.label = ag_catalog._label_id(%(param_6)s, %(param_7)s) AND social_test.tridb$keys.key = CAST(%(param_3)s AS TEXT)) END) AND (s2.dst OPERATOR(ag_catalog.<>) CASE WHEN (CAST(%(param_3)s AS BIGINT) BETWEEN %(param_4)s AND %(param_5)s) THEN ag_catalog._graphid(ag_catalog._label_id(%(param_6)s, %(param_7)s), CAST(%(param_3)s AS BIGINT)) ELSE (SELECT social_test.tridb$keys.id 
FROM social_test.tridb$keys 
WHERE social_test.tridb$keys.label = ag_catalog._label_id(%(param_6)s, %(param_7)s) AND social_test.tridb$keys.key = CAST(%(param_3)s AS TEXT)) END) AND NOT (EXISTS (SELECT * 
FROM (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s3 
WHERE (s3.src OPERATOR(ag_catalog.=) CASE WHEN (CAST(%(param_3)s AS BIGINT) BETWEEN %(param_4)s AND %(param_5)s) THEN ag_catalog._graphid(ag_catalog._label_id(%(param_6)s, %(param_7)s), CAST(%(param_3)s AS BIGINT)) ELSE (SELECT social_test.tridb$keys.id 
FROM social_test.tridb$keys 
WHERE social_test.tridb$keys.label = ag_catalog._label_id(%(param_6)s, %(param_7)s) AND social_test.tridb$keys.key = CAST(%(param_3)s AS TEXT)) END) AND (s3.dst OPERATOR(ag_catalog.=) s2.dst))) GROUP BY s2.dst) AS anon_2 
WHERE ag_catalog._extract_label_id(anon_2.vid) = (SELECT ag_catalog._label_id(%(param_8)s, %(param_9)s) AS _label_id_1)) AS anon_1
