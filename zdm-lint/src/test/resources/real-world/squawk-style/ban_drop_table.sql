-- squawk: ban-drop-table / ban-drop-database. A table created in the same migration may be dropped.
SET lock_timeout = '2s';
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;
DROP TABLE account;
