-- A running execution is held by one worker (executions.worker) until lease_until (the database's clock): the worker
-- renews it; once it has passed, any worker on any host may take the execution over, in one conditional UPDATE
-- (lease passed and still held by the same worker). heartbeat stays the time of the last renewal (for people).
ALTER TABLE executions ADD COLUMN lease_until TIMESTAMPTZ;
UPDATE executions SET lease_until = heartbeat + interval '60 seconds' WHERE status = 'running';
CREATE INDEX executions_leases ON executions (lease_until) WHERE status = 'running';
