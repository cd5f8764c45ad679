-- The cases of rule ZDM003: each is linted as one migration and must produce exactly the listed rule ids (ZDM003
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: reindex-index
-- expect: ZDM003
REINDEX INDEX idx_orders_customer;

-- case: reindex-table-pg11-has-no-concurrently
-- version: 11
-- expect: ZDM003
REINDEX TABLE orders;

-- case: reindex-with-options
-- expect: ZDM003
REINDEX (VERBOSE) TABLE orders;

-- case: reindex-system-has-no-concurrent-form
-- expect: ZDM003
REINDEX SYSTEM shop;

-- ===================================================================== near misses: must produce nothing

-- case: reindex-concurrently
-- expect: none
REINDEX INDEX CONCURRENTLY idx_orders_customer;
