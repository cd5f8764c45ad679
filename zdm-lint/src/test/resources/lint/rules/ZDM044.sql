-- The cases of rule ZDM044: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM044 first among them). Header lines of a case are described in README.md beside this file.

-- case: disable-trigger-all
-- expect: ZDM044
ALTER TABLE orders DISABLE TRIGGER ALL;
