-- Per-tenant quotas need "how many live jobs does this tenant have" on every enqueue. A
-- count(*) over jobs costs as much as the backlog it guards, so the number is kept up to date
-- by triggers in the same transaction as every insert and status change of a job. Live means
-- status queued (due, scheduled for later, or waiting for a retry) or running (claimed, not
-- yet finished): everything the workers still have to do. succeeded, dead, cancelled and
-- purged jobs are not live.
--
-- SQLite has one writer at a time, so a counter row per (tenant, kind, queue) updated in
-- place cannot be contended or deadlock (Postgres appends deltas instead).
CREATE TABLE job_live_counts (
    tenant_id   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    queue       TEXT    NOT NULL,
    live        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, queue)
) WITHOUT ROWID;

-- The WHEN clauses keep the common updates (claim: queued → running, retry: running →
-- queued, heartbeats) free of any trigger work: liveness does not change.
CREATE TRIGGER jobs_live_insert AFTER INSERT ON jobs
    WHEN NEW.status IN ('queued', 'running')
BEGIN
    INSERT INTO job_live_counts (tenant_id, kind, queue, live)
    VALUES (NEW.tenant_id, NEW.kind, NEW.queue, 1)
    ON CONFLICT (tenant_id, kind, queue) DO UPDATE SET live = live + 1;
END;

CREATE TRIGGER jobs_live_update AFTER UPDATE OF status ON jobs
    WHEN (OLD.status IN ('queued', 'running')) <> (NEW.status IN ('queued', 'running'))
BEGIN
    INSERT INTO job_live_counts (tenant_id, kind, queue, live)
    VALUES (NEW.tenant_id, NEW.kind, NEW.queue,
            CASE WHEN NEW.status IN ('queued', 'running') THEN 1 ELSE -1 END)
    ON CONFLICT (tenant_id, kind, queue) DO UPDATE SET live = live + excluded.live;
END;

CREATE TRIGGER jobs_live_delete AFTER DELETE ON jobs
    WHEN OLD.status IN ('queued', 'running')
BEGIN
    INSERT INTO job_live_counts (tenant_id, kind, queue, live)
    VALUES (OLD.tenant_id, OLD.kind, OLD.queue, -1)
    ON CONFLICT (tenant_id, kind, queue) DO UPDATE SET live = live - 1;
END;

-- Existing live jobs (the migration runs as one write transaction: nothing slips between).
INSERT INTO job_live_counts (tenant_id, kind, queue, live)
SELECT tenant_id, kind, queue, count(*) FROM jobs
WHERE status IN ('queued', 'running')
GROUP BY tenant_id, kind, queue;
