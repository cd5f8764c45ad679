-- squawk: changing-column-type. Binary-coercible changes (varchar widening, varchar to text) do not rewrite.
SET lock_timeout = '2s';
ALTER TABLE app_user ALTER COLUMN name TYPE varchar(200);
ALTER TABLE app_user ALTER COLUMN email TYPE text USING email::text;
ALTER TABLE account ALTER COLUMN kind TYPE integer USING kind::integer;
ALTER TABLE event_log ALTER COLUMN id TYPE integer;
