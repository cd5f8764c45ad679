-- squawk: constraint-missing-not-valid. ADD ... NOT VALID and VALIDATE in the same transaction buys nothing.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE app_user ADD CONSTRAINT app_user_email_len CHECK (length(email) > 3) NOT VALID;
ALTER TABLE app_user VALIDATE CONSTRAINT app_user_email_len;
COMMIT;
ALTER TABLE app_user ADD CONSTRAINT app_user_name_len CHECK (length(name) > 0);
