-- The cases of rule ZDM018: each is linted as one migration and must produce exactly the listed rule ids (ZDM018
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: drop-column
-- expect: ZDM018
ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;

-- ===================================================================== near misses: must produce nothing

-- case: new-table-changed-freely
-- expect: none
CREATE TABLE drafts (id bigint PRIMARY KEY, title text, legacy int);
ALTER TABLE drafts RENAME COLUMN title TO headline;
ALTER TABLE drafts DROP COLUMN legacy;
ALTER TABLE drafts ALTER COLUMN id TYPE numeric;
ALTER TABLE drafts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
UPDATE drafts SET headline = 'x';
