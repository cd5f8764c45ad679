-- squawk: require-timeout-settings. No lock_timeout before a statement that waits for a strong lock.
ALTER TABLE app_user ADD COLUMN bio text;
