#!/usr/bin/env bash
# Measures orchd's embedded cold start (process launch → /readyz 200, fresh data dir each
# run) and its idle RSS after start-up. Prints figures; asserts nothing.
#   scripts/bench-startup.sh [path/to/orchd] [runs]
# Default binary: the release build (cargo build --release -p orchd).
set -euo pipefail
target="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}"
bin="${1:-$target/release/orchd}"
runs="${2:-10}"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p orchd)" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
times=()
for _ in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  (cd "$dir" && exec "$bin" serve --listen "127.0.0.1:$port" >"$dir/log" 2>&1) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  sleep 1
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "binary: $bin"
echo "cold start to /readyz 200 (ms, $runs runs, fresh SQLite each): min $(echo "$sorted" | head -1), median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p"), max $(echo "$sorted" | tail -1)"
echo "idle RSS 1 s after start (last run): $(( rss_kb / 1024 )) MiB ($rss_kb kB)"
