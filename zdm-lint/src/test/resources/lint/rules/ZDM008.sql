-- The cases of rule ZDM008: each is linted as one migration and must produce exactly the listed rule ids (ZDM008
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-unique
-- expect: ZDM008
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

-- case: add-column-with-inline-unique
-- expect: ZDM008
ALTER TABLE users ADD COLUMN handle text UNIQUE;

-- case: do-block-add-column-unique-inside-if
-- expect: ZDM008
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'handle') THEN
    ALTER TABLE users ADD COLUMN handle text UNIQUE;
  END IF;
END
$$;

-- ===================================================================== near misses: must produce nothing

-- case: unique-using-index
-- expect: none
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX ux_users_email;

-- case: add-column-with-inline-unique-on-a-new-table
-- expect: none
CREATE TABLE handles (id bigint PRIMARY KEY);
ALTER TABLE handles ADD COLUMN handle text UNIQUE;
