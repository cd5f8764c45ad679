-- The cases of rule ZDM047: each is linted as one migration and must produce exactly the listed rule ids (ZDM047
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: flyway-lock-timeout-then-concurrent-index
-- flyway: true
-- expect: ZDM047
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);

-- case: flyway-new-table-and-concurrent-index-on-another
-- flyway: true
-- lock-timeout: unset
-- expect: ZDM047
CREATE TABLE audit_log (id bigint PRIMARY KEY, body text);
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;

-- case: flyway-comment-beside-vacuum
-- flyway: true
-- lock-timeout: unset
-- expect: ZDM047
COMMENT ON TABLE orders IS 'orders of customers';
VACUUM orders;

-- ===================================================================== near misses: must produce nothing

-- case: flyway-concurrent-index-alone
-- flyway: true
-- lock-timeout: unset
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);

-- case: flyway-only-non-transactional-statements
-- flyway: true
-- lock-timeout: unset
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
VACUUM orders;

-- case: same-statements-run-one-by-one-outside-flyway
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
