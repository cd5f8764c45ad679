-- squawk: disallow-unique-constraint. ADD UNIQUE builds its index under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
ALTER TABLE app_user ADD CONSTRAINT app_user_email_key UNIQUE (email);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS app_user_name_idx ON app_user (name);
ALTER TABLE app_user ADD CONSTRAINT app_user_name_key UNIQUE USING INDEX app_user_name_idx;
