-- The cases of rule ZDM014: each is linted as one migration and must produce exactly the listed rule ids (ZDM014
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-not-null-column-without-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

-- case: add-not-null-column-with-null-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT NULL;

-- ===================================================================== near misses: must produce nothing

-- case: add-nullable-column
-- expect: none
ALTER TABLE users ADD COLUMN IF NOT EXISTS bio text;

-- case: add-column-if-table-exists
-- expect: none
ALTER TABLE IF EXISTS users ADD COLUMN IF NOT EXISTS nickname varchar(50);
