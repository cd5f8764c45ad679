-- The cases of rule ZDM041: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM041 first among them). Header lines of a case are described in README.md beside this file.

-- case: alter-schema-rename
-- expect: ZDM041
ALTER SCHEMA billing RENAME TO invoicing;
