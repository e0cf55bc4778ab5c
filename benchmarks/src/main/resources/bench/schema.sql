-- Tables of the benchmarks. items: small rows, one bucket per owner. raw_items: the same shape,
-- outside the publication, for the raw insert rate. notices: one global bucket every stream
-- syncs, so one insert reaches all streams. checkpoints: the table the bridge always replicates.
CREATE TABLE IF NOT EXISTS items (
    id uuid PRIMARY KEY,
    owner_id text NOT NULL,
    description text NOT NULL,
    qty integer NOT NULL
);

CREATE TABLE IF NOT EXISTS raw_items (
    id uuid PRIMARY KEY,
    owner_id text NOT NULL,
    description text NOT NULL,
    qty integer NOT NULL
);

CREATE TABLE IF NOT EXISTS notices (
    id bigint PRIMARY KEY,
    body text NOT NULL
);

CREATE TABLE IF NOT EXISTS checkpoints (
    user_id text NOT NULL,
    client_id text NOT NULL,
    checkpoint bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id)
);
