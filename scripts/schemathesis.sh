#!/usr/bin/env bash
# Fuzz orchd's HTTP API against its own /openapi.json with schemathesis (property-based):
# builds orchd, starts it on the embedded backend in a temp dir, logs in as the bootstrap
# admin, applies examples/tenant-acme.yaml, mints a tenant token by client credentials, then
# runs `schemathesis run --checks all` with each security scheme's token (the SSE streams are
# left out: they never end). Exits with schemathesis's status.
#
#   scripts/schemathesis.sh                    # MAX_EXAMPLES=25 per operation
#   MAX_EXAMPLES=100 SEED=1 scripts/schemathesis.sh -- extra schemathesis args
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SCHEMATHESIS_VENV:-$HOME/.cache/orch-schemathesis-venv}
port=${ORCHD_PORT:-18089}
max_examples=${MAX_EXAMPLES:-25}
server="http://127.0.0.1:$port"

if [[ ! -x $venv/bin/schemathesis ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis>=4.32,<5'
fi

cargo build -q --manifest-path "$root/Cargo.toml" -p orchd
target=$(cargo metadata -q --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

work=$(mktemp -d)
reports=${SCHEMATHESIS_REPORTS:-$HOME/.cache/orch-schemathesis-reports}
mkdir -p "$reports"
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  cp "$work/orchd.log" "$reports/orchd.log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The default webhook route serves acme, whose signing secret is an env SecretRef.
printf 'webhooks:\n  default_tenant: acme\n' >"$work/orchd.yaml"
export ORCH_ACME_STRIPE_WHSEC="whsec_schemathesis_$RANDOM$RANDOM"
ORCHD_CONFIG="$work/orchd.yaml" ORCHD_DATA_DIR="$work/data" ORCHD_LISTEN="127.0.0.1:$port" RUST_LOG=warn \
  "$target/debug/orchd" serve >"$work/orchd.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  curl -fsS "$server/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$server/readyz" >/dev/null

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
post() { curl -fsS -X POST "$server$1" -H 'content-type: application/json' "${@:2}"; }

api_key=$(cat "$work/data/bootstrap-admin.key")
operator_token=$(post /v1/auth/operator/token \
  -d "$(python3 -c 'import json, sys; print(json.dumps({"api_key": sys.argv[1]}))' "$api_key")" |
  json '["token"]')
admin=(-H "authorization: Bearer $operator_token")
document=$(python3 -c 'import json, sys; print(json.dumps({"document": open(sys.argv[1]).read(),
  "reason": "schemathesis", "activate": True}))' "$root/examples/tenant-acme.yaml")
post /v1/admin/tenants/acme/config "${admin[@]}" -d "$document" >/dev/null
client=$(post /v1/admin/tenants/acme/clients "${admin[@]}" -d '{"name": "schemathesis",
  "scopes": ["execute", "jobs:write", "jobs:read", "events:read"], "reason": "schemathesis"}')
client_id=$(json '["client"]["client_id"]' <<<"$client")
client_secret=$(json '["client_secret"]' <<<"$client")
tenant_token=$(curl -fsS -X POST "$server/v1/auth/token" \
  --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" | json '["access_token"]')

# Each block is named after a security scheme of the document.
cat >"$work/schemathesis.toml" <<TOML
[auth.openapi.tenant_jwt]
bearer = "$tenant_token"

[auth.openapi.operator_jwt]
bearer = "$operator_token"

# A fuzzer cannot make a valid HMAC or a meaningful config document: for these operations a
# schema-valid request may be refused with 400 (invalid_signature, invalid_config).
[[operations]]
include-path-regex = "^/webhooks/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]

[[operations]]
include-path-regex = "^/v1/admin/tenants/[^/]+/config$"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
TOML

if [[ ${1:-} == "--" ]]; then shift; fi
status=0
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$server/openapi.json" \
  --checks all --exclude-path-regex '/stream$' --max-examples "$max_examples" \
  --request-timeout 20 ${SEED:+--seed "$SEED"} --report junit --report-dir "$reports" \
  "$@" || status=$?
if grep -q '"level":"ERROR"\|panicked' "$work/orchd.log"; then
  echo "orchd logged errors:" >&2
  grep '"level":"ERROR"\|panicked' "$work/orchd.log" | head -20 >&2
fi
exit "$status"
