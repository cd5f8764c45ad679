-- The cases of rule ZDM028: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM028 first among them). Header lines of a case are described in README.md beside this file.

-- case: update-whole-table
-- expect: ZDM028
UPDATE users SET active = true;

-- case: delete-whole-table
-- expect: ZDM028
DELETE FROM sessions;

-- case: update-whole-table-through-cte
-- expect: ZDM028
WITH defaults AS (SELECT 'x' AS v) UPDATE users SET code = (SELECT v FROM defaults);

-- case: backfill-of-null-rows
-- expect: ZDM028
UPDATE orders SET status = 'new' WHERE status IS NULL;

-- case: do-block-whole-table-update
-- expect: ZDM028
DO $body$
DECLARE
  moved integer;
BEGIN
  UPDATE orders SET status = 'new';
  GET DIAGNOSTICS moved = ROW_COUNT;
  RAISE NOTICE 'moved %', moved;
END
$body$ LANGUAGE plpgsql;
