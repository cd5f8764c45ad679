-- squawk: adding-primary-key-constraint. ADD PRIMARY KEY builds its index under ACCESS EXCLUSIVE; USING INDEX does not.
SET lock_timeout = '2s';
CREATE TABLE session_token (token text NOT NULL, user_id bigint);
ALTER TABLE event_log DROP CONSTRAINT event_log_pkey;
ALTER TABLE event_log ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS event_log_id_idx ON event_log (id);
ALTER TABLE event_log ADD CONSTRAINT event_log_pkey2 PRIMARY KEY USING INDEX event_log_id_idx;
