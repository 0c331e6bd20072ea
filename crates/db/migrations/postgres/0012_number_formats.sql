-- How each organization spells the numbers of a series (`FAC-{YYYY}-{N:5}`);
-- a series with no row uses its default. The sequence stays in counters.
-- Kept in lockstep with the other backend's file.

CREATE TABLE number_formats (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    series TEXT NOT NULL,
    pattern TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, series)
);
