-- squawk: prefer-robust-stmts. A concurrent build that fails half-way leaves an invalid index behind.
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY app_user_created_idx ON app_user (created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS app_user_status_idx ON app_user (status);
DROP INDEX CONCURRENTLY IF EXISTS app_user_status_idx;
