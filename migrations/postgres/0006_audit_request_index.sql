-- The audit rows one request wrote (`GET /v1/admin/audit?request_id=`, the console's link
-- from an action to its rows) are found by index, not by scanning the log. Partial: rows
-- written outside a request (checkpoints, start-up) carry none.
CREATE INDEX operator_audit_log_request_idx ON operator_audit_log (request_id, seq DESC)
    WHERE request_id IS NOT NULL;
