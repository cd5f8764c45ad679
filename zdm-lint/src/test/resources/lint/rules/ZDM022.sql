-- The cases of rule ZDM022: each is linted as one migration and must produce exactly the listed rule ids (ZDM022
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: missing-lock-timeout
-- lock-timeout: unset
-- expect: ZDM022
ALTER TABLE users ADD COLUMN nickname text;

-- case: lock-timeout-reported-once-per-file
-- lock-timeout: unset
-- expect: ZDM022, ZDM001
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX idx_users_nickname ON users (nickname);

-- case: lock-timeout-switched-off
-- expect: ZDM022
SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN nickname text;

-- case: set-local-lock-timeout-outside-transaction-has-no-effect
-- lock-timeout: unset
-- expect: ZDM022
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;

-- ===================================================================== near misses: must produce nothing

-- case: set-local-lock-timeout-in-transaction
-- lock-timeout: unset
-- expect: none
BEGIN;
SET LOCAL lock_timeout = '1s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
