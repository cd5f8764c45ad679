-- squawk: adding-not-nullable-field. SET NOT NULL scans the table, unless a validated CHECK proves it (12+).
SET lock_timeout = '2s';
ALTER TABLE app_user ALTER COLUMN name SET NOT NULL;
ALTER TABLE app_user ADD CONSTRAINT app_user_status_nn CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE app_user VALIDATE CONSTRAINT app_user_status_nn;
ALTER TABLE app_user ALTER COLUMN status SET NOT NULL;
