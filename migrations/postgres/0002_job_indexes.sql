-- Jobs are listed newest first by id (UUIDv7), never by created_at. Every status change of
-- a job rewrote these indexes for nothing (a status change is never a HOT update), so they
-- cost throughput; the tenant index now matches the listing order.
DROP INDEX jobs_created_at_idx;
DROP INDEX jobs_status_idx;
DROP INDEX jobs_tenant_idx;
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, id DESC);
