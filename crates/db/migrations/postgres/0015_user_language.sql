-- The language a user reads the pages in, chosen by the user.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'fr'
    CHECK (language IN ('fr', 'en'));
