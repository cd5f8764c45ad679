-- The cases of rule ZDM000: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM000 first among them). Header lines of a case are described in README.md beside this file.

-- case: unparsed-statement
-- expect: ZDM000
FROBNICATE orders;

-- case: unparsed-alter-table-action
-- expect: ZDM000
ALTER TABLE orders FROBNICATE COLUMN x;

-- case: do-block-execute-built-sql
-- expect: ZDM000
DO $$
DECLARE
  t text := 'orders';
BEGIN
  EXECUTE format('TRUNCATE %I', t);
END
$$;
