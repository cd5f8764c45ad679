-- squawk: ban-drop-column.
SET lock_timeout = '2s';
ALTER TABLE app_user DROP COLUMN legacy_flag;
