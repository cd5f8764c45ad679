-- The cases of rule ZDM021: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM021 first among them). Header lines of a case are described in README.md beside this file.

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
