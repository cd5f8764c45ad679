-- The cases of rule ZDM045: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM045 first among them). Header lines of a case are described in README.md beside this file.

-- case: char-column
-- expect: ZDM045
CREATE TABLE countries (code char(2) PRIMARY KEY, name text);

-- case: character-column-added
-- expect: ZDM045
ALTER TABLE orders ADD COLUMN currency character(3);
