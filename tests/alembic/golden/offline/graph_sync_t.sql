-- upgrade
SELECT 1;

SELECT 2;

-- downgrade
SELECT 3;
