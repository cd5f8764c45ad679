-- The cases of rule ZDM034: each is linted as one migration and must produce exactly the listed rule ids (ZDM034
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: enum-add-value-in-transaction-pg11
-- version: 11
-- expect: ZDM034
BEGIN;
ALTER TYPE order_status ADD VALUE 'returned';
COMMIT;

-- ===================================================================== near misses: must produce nothing

-- case: enum-add-value-outside-transaction
-- expect: none
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned';

-- case: enum-add-value-in-transaction-pg12
-- version: 12
-- expect: none
BEGIN;
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned' AFTER 'shipped';
COMMIT;
