-- The cases of rule ZDM010: each is linted as one migration and must produce exactly the listed rule ids (ZDM010
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: exclusion-constraint
-- expect: ZDM010
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);
