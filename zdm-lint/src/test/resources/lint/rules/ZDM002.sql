-- The cases of rule ZDM002: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM002 first among them). Header lines of a case are described in README.md beside this file.

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
