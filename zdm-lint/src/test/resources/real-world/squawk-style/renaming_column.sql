-- squawk: renaming-column.
SET lock_timeout = '2s';
ALTER TABLE app_user RENAME COLUMN name TO full_name;
