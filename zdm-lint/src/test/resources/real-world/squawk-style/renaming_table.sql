-- squawk: renaming-table.
SET lock_timeout = '2s';
ALTER TABLE event_log RENAME TO events;
