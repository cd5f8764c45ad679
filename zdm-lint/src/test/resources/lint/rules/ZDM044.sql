-- The cases of rule ZDM044: each is linted as one migration and must produce exactly the listed rule ids (ZDM044
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: disable-trigger-all
-- expect: ZDM044
ALTER TABLE orders DISABLE TRIGGER ALL;

-- ===================================================================== near misses: must produce nothing

-- case: disable-one-user-trigger
-- expect: none
ALTER TABLE orders DISABLE TRIGGER orders_audit;
