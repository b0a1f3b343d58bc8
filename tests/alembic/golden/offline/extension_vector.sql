-- upgrade
CREATE EXTENSION IF NOT EXISTS "vector";

-- downgrade
DROP EXTENSION IF EXISTS "vector";
