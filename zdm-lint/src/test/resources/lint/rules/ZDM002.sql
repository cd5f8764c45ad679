-- The cases of rule ZDM002: each is linted as one migration and must produce exactly the listed rule ids (ZDM002
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: drop-index
-- expect: ZDM002
DROP INDEX idx_orders_customer;

-- case: drop-several-indexes
-- expect: ZDM002
DROP INDEX IF EXISTS idx_a, idx_b CASCADE;

-- case: access-exclusive-on-a-second-table-after-the-first
-- expect: ZDM002, ZDM021, ZDM021
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN bio text;
DROP INDEX idx_orders_status;
TRUNCATE staging_import;
COMMIT;

-- case: do-block-execute-a-literal
-- expect: ZDM002
DO $$ BEGIN EXECUTE 'DROP INDEX idx_orders_customer'; END $$;

-- ===================================================================== near misses: must produce nothing

-- case: drop-index-created-in-the-same-migration
-- expect: none
CREATE TABLE scratch (id bigint PRIMARY KEY, v text);
CREATE INDEX idx_scratch_v ON scratch (v);
DROP INDEX idx_scratch_v;

-- case: drop-index-concurrently
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer;
