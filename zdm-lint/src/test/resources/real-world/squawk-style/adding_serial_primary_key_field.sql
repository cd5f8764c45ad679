-- squawk: adding-serial-primary-key-field. A serial or identity column fills every row.
SET lock_timeout = '2s';
ALTER TABLE event_log ADD COLUMN seq bigserial;
ALTER TABLE event_log ADD COLUMN seq2 bigint GENERATED ALWAYS AS IDENTITY;
