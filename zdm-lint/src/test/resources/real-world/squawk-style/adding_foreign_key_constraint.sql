-- squawk: adding-foreign-key-constraint. Validated at once it blocks writes on both tables; NOT VALID then VALIDATE does not.
SET lock_timeout = '2s';
ALTER TABLE account ADD CONSTRAINT fk_account_owner FOREIGN KEY (owner_id) REFERENCES app_user (id);
ALTER TABLE account ADD COLUMN referrer_id bigint REFERENCES app_user (id);
ALTER TABLE account ADD CONSTRAINT fk_account_owner2 FOREIGN KEY (owner_id) REFERENCES app_user (id) NOT VALID;
ALTER TABLE account VALIDATE CONSTRAINT fk_account_owner2;
