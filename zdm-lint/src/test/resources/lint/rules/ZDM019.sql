-- The cases of rule ZDM019: each is linted as one migration and must produce exactly the listed rule ids (ZDM019
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: drop-table
-- expect: ZDM019
DROP TABLE audit_log;

-- case: drop-two-tables-cascade
-- expect: ZDM019, ZDM019
DROP TABLE IF EXISTS old_orders, old_items CASCADE;
