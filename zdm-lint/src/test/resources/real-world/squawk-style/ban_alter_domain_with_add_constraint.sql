-- squawk: ban-alter-domain-with-add-constraint / ban-create-domain-with-constraint.
SET lock_timeout = '2s';
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_small CHECK (VALUE < 1000);
CREATE DOMAIN label AS text;
