-- The processes that run executions now (servers with FLOW_WORKERS above 0, and `flow worker`s), so that GET /health
-- can tell a site whose executions wait for a worker that does not exist. Each process writes its row when it starts
-- and at every renewal of its leases (Workers.renew), and deletes it when it stops; a row whose seen_until has passed
-- is a process gone without saying (killed, hung, cut off from the database), not counted, and deleted by the next
-- process that renews.
CREATE TABLE worker_processes (
    worker     TEXT PRIMARY KEY,          -- executions.worker: "host/pid/random"
    slots      INT         NOT NULL CHECK (slots > 0),
    started    TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_until TIMESTAMPTZ NOT NULL
);
