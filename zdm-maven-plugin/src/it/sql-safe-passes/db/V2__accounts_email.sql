SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_accounts_email ON accounts (email);
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL) NOT VALID;
