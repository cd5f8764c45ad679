-- squawk: ban-char-field. char(n) pads with blanks and is no faster than text or varchar.
CREATE TABLE country (code char(2) PRIMARY KEY, name character(100), iso3 text);
ALTER TABLE account ADD COLUMN currency char(3);
ALTER TABLE account ADD COLUMN note varchar(200);
