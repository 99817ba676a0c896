-- Several servers share one database (issue 11): an import and a storage verification are held by the process
-- running them, as upload completions are (V38) and executions (V33). claimed_by names the process
-- ("host/pid/random", random per process start) and claimed_until is when its claim lapses (the database's clock)
-- unless that process renews it (bio.flow.db.Claims). Another process takes an import over, or marks a verification
-- interrupted, only once its claim has lapsed or, on the same host, once no process has its pid.
ALTER TABLE data_imports ADD COLUMN claimed_by TEXT, ADD COLUMN claimed_until TIMESTAMPTZ,
    ADD CONSTRAINT data_imports_claim_whole CHECK ((claimed_by IS NULL) = (claimed_until IS NULL));
-- Imports under way while this migration runs were started by servers of the version before, which claim nothing:
-- unclaimed, they are started again by the first server to start (as before).

ALTER TABLE storage_verifications ADD COLUMN claimed_by TEXT, ADD COLUMN claimed_until TIMESTAMPTZ;
-- A run still running was started by a process of the version before, which renews nothing.
UPDATE storage_verifications SET claimed_by = 'before V40', claimed_until = now() WHERE status = 'running';
ALTER TABLE storage_verifications ADD CONSTRAINT storage_verifications_claimed
    CHECK ((status = 'running') = (claimed_by IS NOT NULL AND claimed_until IS NOT NULL));
