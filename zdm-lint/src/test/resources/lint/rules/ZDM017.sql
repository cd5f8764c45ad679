-- The cases of rule ZDM017: each is linted as one migration and must produce exactly the listed rule ids (ZDM017
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: rename-table
-- expect: ZDM017
ALTER TABLE users RENAME TO accounts;

-- ===================================================================== near misses: must produce nothing

-- case: renamed-new-table-stays-new
-- expect: none
CREATE TABLE tmp_accounts (id bigint PRIMARY KEY, email text);
ALTER TABLE tmp_accounts RENAME TO accounts_v2;
CREATE INDEX idx_accounts_v2_email ON accounts_v2 (email);
