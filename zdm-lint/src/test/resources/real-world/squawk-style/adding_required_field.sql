-- squawk: adding-required-field. NOT NULL without a default fails on a non-empty table.
SET lock_timeout = '2s';
ALTER TABLE app_user ADD COLUMN country text NOT NULL;
ALTER TABLE app_user ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE app_user ADD COLUMN nickname text;
