#!/usr/bin/env bash
# Quick start: Stripe webhooks end to end on your machine, with nothing but cargo and python3.
#
#   examples/quickstart.sh
#
# 1. starts a tiny local "billing service" (answers 200 to every POST and prints what came),
# 2. starts orchd (embedded SQLite in a temp dir) with a webhook signing secret in its env,
# 3. logs orchctl in as the bootstrap admin and applies a tenant config whose Stripe routes
#    point at the billing service,
# 4. follows `orchctl events tail --kind 'webhook.*'`, sends a signed event with
#    `orchctl webhooks send` (as `stripe trigger` would), and sends it again (a duplicate),
# 5. shows the inbox row, then stops everything.
#
# Override the binaries with ORCHD=/path/to/orchd ORCHCTL=/path/to/orchctl, the ports with
# ORCHD_PORT / BILLING_PORT, the event with EVENT=examples/stripe/<file>.json.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
orchd_port=${ORCHD_PORT:-8080}
billing_port=${BILLING_PORT:-8099}
event=${EVENT:-$here/stripe/invoice.paid.json}
work=$(mktemp -d)
server="http://127.0.0.1:$orchd_port"

if [[ -z ${ORCHD:-} || -z ${ORCHCTL:-} ]]; then
  echo "building orchd and orchctl…" >&2
  cargo build -q --manifest-path "$root/Cargo.toml" -p orchd -p orchctl
  target=$(cargo metadata -q --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
fi
orchd=${ORCHD:-$target/debug/orchd}
orchctl=${ORCHCTL:-$target/debug/orchctl}
ctl() { "$orchctl" --config "$work/orchctl.yaml" --server "$server" "$@"; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

say "billing service on 127.0.0.1:$billing_port"
python3 - "$billing_port" <<'PY' &
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        print(f"billing: {self.path} got {len(body)} bytes, "
              f"Idempotency-Key {self.headers.get('idempotency-key')}", file=sys.stderr, flush=True)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
pids+=($!)

# The signing secret reaches orchd as a SecretRef (env:ORCH_QUICKSTART_WHSEC), never as a value
# in the config; orchctl signs with the same ref.
export ORCH_QUICKSTART_WHSEC="whsec_quickstart_$RANDOM$RANDOM"

say "orchd on $server (data in $work/data)"
ORCHD_DATA_DIR="$work/data" ORCHD_LISTEN="127.0.0.1:$orchd_port" ORCHD_LOG_FORMAT=pretty \
  RUST_LOG=warn "$orchd" serve &
pids+=($!)
for _ in $(seq 1 600); do
  curl -fsS "$server/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$server/readyz" >/dev/null

say "orchctl login (the bootstrap admin's key is in the data dir)"
ctl login --api-key-stdin < "$work/data/bootstrap-admin.key" >/dev/null

say "apply and activate the tenant config"
cat > "$work/tenant-quickstart.yaml" <<YAML
tenant: quickstart
policies:
  internal:
    timeouts: { connect_ms: 500, read_ms: 2000, total_ms: 5000 }
    retry: { max_attempts: 3, backoff: { base_ms: 100, max_ms: 1000 } }
connectors:
  billing:
    base_url: http://127.0.0.1:$billing_port
    policy: internal
    operations:
      on_invoice: { method: POST, path: /hooks/stripe-invoice, body: json }
      on_charge: { method: POST, path: /hooks/stripe-charge, body: json }
webhooks:
  stripe:
    signing_secrets: ["env:ORCH_QUICKSTART_WHSEC"]
    tolerance_s: 300
    routes:
      - events: ["invoice.*"]
        connector: billing
        operation: on_invoice
      - events: ["charge.refunded", "charge.dispute.*"]
        connector: billing
        operation: on_charge
YAML
ctl config apply -f "$work/tenant-quickstart.yaml" --reason "quickstart" --activate --yes -o table >/dev/null

say "events tail --kind 'webhook.*' (follows live)"
"$orchctl" --config "$work/orchctl.yaml" --server "$server" \
  events tail --tenant quickstart --kind 'webhook.*' -o table --no-color &
pids+=($!)
sleep 1

say "webhooks send $(basename "$event") (signed now with env:ORCH_QUICKSTART_WHSEC)"
ctl webhooks send --tenant quickstart --secret-ref env:ORCH_QUICKSTART_WHSEC -f "$event" -o table
say "the same event again: Stripe retries, orchd answers duplicate"
ctl webhooks send --tenant quickstart --secret-ref env:ORCH_QUICKSTART_WHSEC -f "$event" -o table
sleep 2

say "the inbox"
ctl inbox list --tenant quickstart -o table
say "done; stopping"
