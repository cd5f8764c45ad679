SET lock_timeout = '3s';
CREATE INDEX CONCURRENTLY idx_accounts_email ON accounts (email);
ALTER TABLE accounts ADD COLUMN score int;
