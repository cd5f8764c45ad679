-- squawk: ban-drop-not-null.
SET lock_timeout = '2s';
ALTER TABLE app_user ALTER COLUMN email DROP NOT NULL;
