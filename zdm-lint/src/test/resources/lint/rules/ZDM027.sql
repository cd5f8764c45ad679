-- The cases of rule ZDM027: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM027 first among them). Header lines of a case are described in README.md beside this file.

-- case: create-domain-with-check
-- expect: ZDM027
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');

-- case: alter-domain-add-check
-- expect: ZDM027
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));
