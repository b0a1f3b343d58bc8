SELECT node.id, (SELECT count(*) AS count_1 
FROM (SELECT walk_test."LINK".end_id AS src, walk_test."LINK".start_id AS dst 
FROM walk_test."LINK" UNION ALL SELECT walk_test."OTHER".end_id AS src, walk_test."OTHER".start_id AS dst 
FROM walk_test."OTHER") AS steps 
WHERE steps.src OPERATOR(ag_catalog.=) ag_catalog._graphid(ag_catalog._label_id(%(param_1)s, %(param_2)s), CAST(node.id AS BIGINT))) AS anon_1 
FROM node

SELECT walk.vid, walk.paths, walk.id 
FROM (SELECT walked.vid AS vid, walked.paths AS paths, CAST(CAST(walked.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s AS id 
FROM (SELECT s1.dst AS vid, count(*) AS paths 
FROM (SELECT walk_test."LINK".start_id AS src, walk_test."LINK".end_id AS dst 
FROM walk_test."LINK") AS s0 JOIN (SELECT walk_test."OTHER".end_id AS src, walk_test."OTHER".start_id AS dst 
FROM walk_test."OTHER") AS s1 ON s1.src OPERATOR(ag_catalog.=) s0.dst 
WHERE s0.src OPERATOR(ag_catalog.=) ag_catalog._graphid(ag_catalog._label_id(%(param_2)s, %(param_3)s), CAST(%(param_4)s AS BIGINT)) GROUP BY s1.dst) AS walked 
WHERE ag_catalog._extract_label_id(walked.vid) = (SELECT ag_catalog._label_id(%(param_5)s, %(param_6)s) AS _label_id_1)) AS walk

SELECT suggested.vid, suggested.mutual, suggested.id 
FROM (SELECT fof.vid AS vid, fof.mutual AS mutual, CAST(CAST(fof.vid AS TEXT) AS BIGINT) OPERATOR(pg_catalog.&) %(param_1)s AS id 
FROM (SELECT s2.dst AS vid, count(distinct(s1.dst)) AS mutual 
FROM (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s1 JOIN (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s2 ON s2.src OPERATOR(ag_catalog.=) s1.dst 
WHERE (s1.src OPERATOR(ag_catalog.=) ag_catalog._graphid(ag_catalog._label_id(%(param_2)s, %(param_3)s), CAST(%(param_4)s AS BIGINT))) AND (s2.dst OPERATOR(ag_catalog.<>) ag_catalog._graphid(ag_catalog._label_id(%(param_2)s, %(param_3)s), CAST(%(param_4)s AS BIGINT))) AND NOT (EXISTS (SELECT * 
FROM (SELECT social_test."FOLLOWS".start_id AS src, social_test."FOLLOWS".end_id AS dst 
FROM social_test."FOLLOWS") AS s3 
WHERE (s3.src OPERATOR(ag_catalog.=) ag_catalog._graphid(ag_catalog._label_id(%(param_2)s, %(param_3)s), CAST(%(param_4)s AS BIGINT))) AND (s3.dst OPERATOR(ag_catalog.=) s2.dst))) GROUP BY s2.dst) AS fof 
WHERE ag_catalog._extract_label_id(fof.vid) = (SELECT ag_catalog._label_id(%(param_5)s, %(param_6)s) AS _label_id_1)) AS suggested
