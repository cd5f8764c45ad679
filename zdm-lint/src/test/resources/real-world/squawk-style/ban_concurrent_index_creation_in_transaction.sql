-- squawk: ban-concurrent-index-creation-in-transaction.
BEGIN;
SET LOCAL lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS app_user_email_idx ON app_user (email);
COMMIT;
