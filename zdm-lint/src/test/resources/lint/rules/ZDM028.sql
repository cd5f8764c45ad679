-- The cases of rule ZDM028: each is linted as one migration and must produce exactly the listed rule ids (ZDM028
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

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

-- ===================================================================== near misses: must produce nothing

-- case: targeted-update
-- expect: none
UPDATE settings SET value = 'on' WHERE key = 'feature.x';

-- case: update-with-a-where-clause-and-returning
-- expect: none
UPDATE orders SET status = 'paid' WHERE id = 42 AND status IS NULL RETURNING id;

-- case: targeted-delete
-- expect: none
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';

-- case: insert-rows
-- expect: none
INSERT INTO order_status_labels (code, label) VALUES ('new', 'New'), ('paid', 'Paid');

-- case: do-block-insert-with-exception-handler
-- expect: none
DO $$
BEGIN
  INSERT INTO settings (name, value) VALUES ('mode', 'on');
EXCEPTION
  WHEN unique_violation THEN NULL;
END
$$;

-- case: merge-into
-- expect: none
MERGE INTO orders o USING incoming i ON o.id = i.id
WHEN MATCHED THEN UPDATE SET status = i.status
WHEN NOT MATCHED THEN INSERT (id, status) VALUES (i.id, i.status);
