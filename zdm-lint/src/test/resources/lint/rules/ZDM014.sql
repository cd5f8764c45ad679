-- The cases of rule ZDM014: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM014 first among them). Header lines of a case are described in README.md beside this file.

-- case: add-not-null-column-without-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

-- case: add-not-null-column-with-null-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT NULL;
