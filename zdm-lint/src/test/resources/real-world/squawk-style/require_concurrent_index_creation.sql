-- squawk: require-concurrent-index-creation / require-concurrent-index-deletion. Indexes of a new table may be built plainly.
SET lock_timeout = '2s';
CREATE INDEX app_user_kind_idx ON account (kind);
DROP INDEX app_user_kind_idx;
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint);
CREATE INDEX invoice_account_idx ON invoice (account_id);
