-- The cases of rule ZDM037: each is linted as one migration and must produce exactly the listed rule ids (ZDM037
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: lock-table
-- expect: ZDM037
LOCK TABLE orders;

-- case: lock-table-share-row-exclusive
-- expect: ZDM037
LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;

-- ===================================================================== near misses: must produce nothing

-- case: lock-table-access-share
-- expect: none
BEGIN;
LOCK TABLE orders IN ACCESS SHARE MODE;
COMMIT;
