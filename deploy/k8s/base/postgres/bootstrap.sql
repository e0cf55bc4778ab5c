-- Runs once, as the superuser, in database app when CloudNativePG creates the cluster, right after
-- the application's schema (relay-app-sql). Adapt the table list of the publication to your own
-- sync rules.

-- The tables were created by the superuser: hand them to the application's role (upload-api and
-- write-applier log in as app).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO app', t.tablename);
    END LOOP;
END $$;

-- sync-bridge's role. The Cluster's managed roles keep its password (Secret relay-db-bridge) and
-- REPLICATION once the cluster runs; it is created here already so that the grants below can name it.
DO $$
BEGIN
    CREATE ROLE relay_bridge LOGIN REPLICATION;
EXCEPTION WHEN duplicate_object THEN
    NULL;
END $$;

-- It reads the synced tables (the initial snapshot) and keeps its bucket storage in its own schema
-- (relay.storage.schema), which it creates again after a re-sync (DROP SCHEMA relay_sync CASCADE).
GRANT SELECT ON ALL TABLES IN SCHEMA public TO relay_bridge;
ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA public GRANT SELECT ON TABLES TO relay_bridge;
CREATE SCHEMA IF NOT EXISTS relay_sync AUTHORIZATION relay_bridge;
GRANT CREATE ON DATABASE app TO relay_bridge;

-- The publication sync-bridge reads (relay.replication.publication): every table the sync rules
-- read, and the checkpoints table (relay.checkpoints.table). The bridge creates it itself only when
-- it owns the tables, which relay_bridge does not.
CREATE PUBLICATION relay_bridge FOR TABLE lists, todos, upload_rejections, checkpoints;
