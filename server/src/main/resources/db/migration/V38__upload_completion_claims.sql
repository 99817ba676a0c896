-- The request completing an upload holds a claim on it: completer names the process and the claim
-- ("host/pid/random", random per claim) and completion_until is when the claim lapses (the database's clock) unless
-- that process renews it. Several servers share one database: a server sets a completing upload back to receiving
-- only once its claim has lapsed (its server died or hung), never one another live server is completing.
ALTER TABLE uploads ADD COLUMN completer TEXT, ADD COLUMN completion_until TIMESTAMPTZ;
-- Completions under way while this migration runs were started by servers of the version before, which renew nothing.
UPDATE uploads SET completer = 'before V38', completion_until = now() WHERE status = 'completing';
ALTER TABLE uploads ADD CONSTRAINT uploads_completion_claimed
    CHECK ((status = 'completing') = (completer IS NOT NULL AND completion_until IS NOT NULL));
CREATE INDEX uploads_completing ON uploads (completion_until) WHERE status = 'completing';
