-- The cases of rule ZDM021: each is linted as one migration and must produce exactly the listed rule ids (ZDM021
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: two-access-exclusive-in-one-transaction
-- expect: ZDM021
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;

-- case: do-block-two-alter-tables-in-its-one-transaction
-- expect: ZDM021
DO $$
BEGIN
  ALTER TABLE orders ADD COLUMN a text;
  ALTER TABLE users ADD COLUMN b text;
END
$$;

-- ===================================================================== near misses: must produce nothing

-- case: one-access-exclusive-per-transaction
-- expect: none
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;

-- case: several-changes-to-one-table-in-one-transaction
-- expect: none
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ALTER COLUMN nickname SET DEFAULT 'anonymous';
COMMIT;
