-- The organization's time zone: instants are shown in it and "today" is
-- its calendar day.
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Paris';
