-- squawk: ban-uncommitted-transaction / transaction-nesting. Several ACCESS EXCLUSIVE locks held together.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE app_user ADD COLUMN a1 text;
ALTER TABLE account ADD COLUMN a2 text;
COMMIT;
