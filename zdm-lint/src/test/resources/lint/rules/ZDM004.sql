-- The cases of rule ZDM004: each is linted as one migration and must produce exactly the listed rule ids (ZDM004
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: create-index-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status);
COMMIT;

-- case: drop-index-concurrently-in-transaction
-- expect: ZDM004
START TRANSACTION;
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_status;
END;

-- case: reindex-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
REINDEX INDEX CONCURRENTLY idx_orders_status;
COMMIT;

-- case: detach-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
COMMIT;

-- case: do-block-concurrently-fails-inside-it
-- expect: ZDM004
DO $$ BEGIN CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status); END $$;
