-- squawk: adding-field-with-default. A volatile default rewrites the table; a constant one does not (11+).
SET lock_timeout = '2s';
ALTER TABLE app_user ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE app_user ADD COLUMN touched timestamptz DEFAULT clock_timestamp();
ALTER TABLE app_user ADD COLUMN score integer DEFAULT 10;
ALTER TABLE app_user ADD COLUMN active boolean DEFAULT true;
