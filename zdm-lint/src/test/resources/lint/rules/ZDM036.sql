-- The cases of rule ZDM036: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM036 first among them). Header lines of a case are described in README.md beside this file.

-- case: set-tablespace
-- expect: ZDM036
ALTER TABLE orders SET TABLESPACE fast_ssd;

-- case: set-logged
-- expect: ZDM036
ALTER TABLE import_rows SET LOGGED;
