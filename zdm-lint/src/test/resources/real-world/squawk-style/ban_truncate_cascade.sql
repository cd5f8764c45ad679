-- squawk: ban-truncate-cascade.
SET lock_timeout = '2s';
TRUNCATE app_user CASCADE;
