-- The demo application's tables (the classic PowerSync todo-list app) and the checkpoints
-- table write-applier fulfils checkpoint requests in. Idempotent: safe to run on every start.
CREATE TABLE IF NOT EXISTS lists (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    name text NOT NULL,
    owner_id text NOT NULL
);

CREATE TABLE IF NOT EXISTS todos (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    description text NOT NULL,
    completed boolean NOT NULL DEFAULT false,
    created_by text NOT NULL,
    completed_by text,
    list_id uuid NOT NULL REFERENCES lists (id) ON DELETE CASCADE
);

-- One row per (user, client): the greatest checkpoint request id whose writes are applied.
-- sync-bridge replicates it and turns it into write_checkpoint for that client.
CREATE TABLE IF NOT EXISTS checkpoints (
    user_id text NOT NULL,
    client_id text NOT NULL,
    checkpoint bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id)
);

-- Batches write-applier rejected for good, one row per batch, so that sync rules can bring the
-- reason back to the user whose write was undone. The full record went to the dead-letter topic.
CREATE TABLE IF NOT EXISTS upload_rejections (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    client_id text NOT NULL,
    batch_id text NOT NULL,
    checkpoint_request_id bigint,
    reason text NOT NULL,
    entries jsonb NOT NULL,
    dead_letter text NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now()
);
