-- Operator web console sessions (daemon/src/identity/console_sessions.rs). The browser holds
-- an opaque random id in a cookie; only its SHA-256 is stored, so reading this table does not
-- let anyone sign in. A session is valid while it is not revoked, was used within the idle
-- timeout (last_seen_at), has not reached expires_at (absolute), and its operator is enabled
-- with key_id still unrevoked: disabling the operator or rotating its key ends it at once.
CREATE TABLE console_sessions (
    id_hash             TEXT        PRIMARY KEY,
    operator_id         TEXT        NOT NULL REFERENCES operators (id),
    key_id              TEXT        NOT NULL REFERENCES operator_api_keys (id),
    created_at          INTEGER     NOT NULL,
    last_seen_at        INTEGER     NOT NULL,
    expires_at          INTEGER     NOT NULL,
    revoked_at          INTEGER
);
CREATE INDEX console_sessions_operator_idx ON console_sessions (operator_id);
-- The purge of ended sessions reads by expiry.
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
