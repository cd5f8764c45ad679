-- The cases of rule ZDM027: each is linted as one migration and must produce exactly the listed rule ids (ZDM027
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: create-domain-with-check
-- expect: ZDM027
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');

-- case: alter-domain-add-check
-- expect: ZDM027
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));

-- ===================================================================== near misses: must produce nothing

-- case: domain-without-check
-- expect: none
CREATE DOMAIN positive_amount AS numeric(12,2) NOT NULL;

-- case: alter-domain-check-not-valid
-- expect: none
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE)) NOT VALID;
