-- The cases of rule ZDM034: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM034 first among them). Header lines of a case are described in README.md beside this file.

-- case: enum-add-value-in-transaction-pg11
-- version: 11
-- expect: ZDM034
BEGIN;
ALTER TYPE order_status ADD VALUE 'returned';
COMMIT;
