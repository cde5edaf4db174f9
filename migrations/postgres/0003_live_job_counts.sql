-- Per-tenant quotas need "how many live jobs does this tenant have" on every enqueue. A
-- count(*) over jobs costs as much as the backlog it guards, so the number is kept up to date
-- by triggers in the same transaction as every insert and status change of a job. Live means
-- status queued (due, scheduled for later, or waiting for a retry) or running (claimed, not
-- yet finished): everything the workers still have to do. succeeded, dead, cancelled and
-- purged jobs are not live.
--
-- A single counter row per tenant would be one hot row that every enqueue and finish of the
-- tenant locks until commit, and batches touching several tenants could deadlock on them. So
-- the triggers only append to job_live_deltas (inserts never wait for each other); readers
-- add job_live_counts and the pending deltas in one statement (one snapshot), and a fold
-- moves deltas into job_live_counts in one transaction (SKIP LOCKED, keys in order), so a
-- reader sees each delta exactly once, folded or not.
CREATE TABLE job_live_counts (
    tenant_id   text   NOT NULL,
    kind        text   NOT NULL,
    queue       text   NOT NULL,
    live        bigint NOT NULL,
    PRIMARY KEY (tenant_id, kind, queue)
);

CREATE TABLE job_live_deltas (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text    NOT NULL,
    kind        text    NOT NULL,
    queue       text    NOT NULL,
    delta       integer NOT NULL
);
CREATE INDEX job_live_deltas_tenant_idx ON job_live_deltas (tenant_id, kind, queue);

CREATE FUNCTION jobs_live_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN ('queued', 'running') THEN
        INSERT INTO job_live_deltas (tenant_id, kind, queue, delta)
        VALUES (OLD.tenant_id, OLD.kind, OLD.queue, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN ('queued', 'running') THEN
        INSERT INTO job_live_deltas (tenant_id, kind, queue, delta)
        VALUES (NEW.tenant_id, NEW.kind, NEW.queue, 1);
    END IF;
    RETURN NULL;
END
$$;

-- The WHEN clauses keep the common updates (claim: queued → running, retry: running →
-- queued, heartbeats) free of any trigger work: liveness does not change.
CREATE TRIGGER jobs_live_insert AFTER INSERT ON jobs FOR EACH ROW
    WHEN (NEW.status IN ('queued', 'running'))
    EXECUTE FUNCTION jobs_live_delta();
CREATE TRIGGER jobs_live_update AFTER UPDATE OF status ON jobs FOR EACH ROW
    WHEN ((OLD.status IN ('queued', 'running')) <> (NEW.status IN ('queued', 'running')))
    EXECUTE FUNCTION jobs_live_delta();
CREATE TRIGGER jobs_live_delete AFTER DELETE ON jobs FOR EACH ROW
    WHEN (OLD.status IN ('queued', 'running'))
    EXECUTE FUNCTION jobs_live_delta();

-- Existing live jobs. CREATE TRIGGER locked jobs against writes until this migration
-- commits, so no change slips between the triggers and this count.
INSERT INTO job_live_counts (tenant_id, kind, queue, live)
SELECT tenant_id, kind, queue, count(*) FROM jobs
WHERE status IN ('queued', 'running')
GROUP BY tenant_id, kind, queue;
