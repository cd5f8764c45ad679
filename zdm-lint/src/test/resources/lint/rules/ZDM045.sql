-- The cases of rule ZDM045: each is linted as one migration and must produce exactly the listed rule ids (ZDM045
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: char-column
-- expect: ZDM045
CREATE TABLE countries (code char(2) PRIMARY KEY, name text);

-- case: character-column-added
-- expect: ZDM045
ALTER TABLE orders ADD COLUMN currency character(3);

-- ===================================================================== near misses: must produce nothing

-- case: varchar-column-is-not-char
-- expect: none
CREATE TABLE currencies (code varchar(3) PRIMARY KEY, name text);
