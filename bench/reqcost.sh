#!/usr/bin/env bash
# The instructions the server spends per request on two light requests
# (GET /api/v1/health, which reads the database, and GET
# /api/v1/children/1 without a session, a 401), under callgrind: a figure
# that does not move with the machine's load, for comparing two builds of
# the request path (e.g. before and after a change to http/server.c).
#
#   bash bench/reqcost.sh                       # build/guanai
#   bash bench/reqcost.sh OLD/build/guanai build/guanai
#   N=5000 bash bench/reqcost.sh
#
# Each binary serves a fresh `guanai init` database with two worker threads;
# after 200 requests to warm up, the counters are zeroed and N (default
# 2,000) requests are made on one keep-alive connection.  Needs valgrind
# (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
[ $# -gt 0 ] || set -- build/guanai
[ -x build/guanai ] || make -s build/guanai
command -v valgrind >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo;
  $SUDO apt-get install -y -qq valgrind >/dev/null; }

T=$(mktemp -d /tmp/guanai-reqcost-XXXXXX)
VPID=
cleanup() {
  [ -n "$VPID" ] && kill "$VPID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
build/guanai init --db "$T/base.db" >/dev/null 2>&1
# The scheduler's first tick computes every village's figures once; done
# here, the measured servers' first ticks find them fresh and end at once
# instead of running beside the requests.
port=$((20000 + RANDOM % 20000))
build/guanai serve --db "$T/base.db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
VPID=$!
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null |
    grep -q '^guanai_scheduler_runs_total{result="ok"} [1-9]' && break
  sleep 0.5
done
kill "$VPID"; wait "$VPID" 2>/dev/null || true
VPID=

cat >"$T/loop.py" <<'EOF'
import http.client, sys
port, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(n):
    c.request("GET", path)
    c.getresponse().read()
EOF

for bin in "$@"; do
  cp "$T/base.db" "$T/run.db"
  port=$((20000 + RANDOM % 20000))
  valgrind --tool=callgrind --callgrind-out-file="$T/cg.%p" --dump-instr=no \
    "$bin" serve --db "$T/run.db" --listen "127.0.0.1:$port" --threads 2 \
    --tick 3600 >"$T/serve.log" 2>&1 &
  VPID=$!
  for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break
    sleep 0.5
  done
  sleep 5	# the first tick, under valgrind
  for path in /api/v1/health /api/v1/children/1; do
    /usr/bin/python3 "$T/loop.py" "$port" 200 "$path"
    callgrind_control -z "$VPID" >/dev/null 2>&1
    /usr/bin/python3 "$T/loop.py" "$port" "$N" "$path"
    callgrind_control -d "req$path" "$VPID" >/dev/null 2>&1
  done
  kill "$VPID"; wait "$VPID" 2>/dev/null || true
  for f in "$T"/cg."$VPID".*; do
    what=$(sed -n 's/^desc: Trigger: dump req//p' "$f")
    [ -n "$what" ] || continue
    ir=$(awk '/^summary:/{print $2}' "$f")
    printf '%-28s %-22s %8d instructions per request\n' "$bin" "$what" $((ir / N))
  done
  VPID=
  rm -f "$T"/cg.*
done
echo "reproduce: N=$N bash bench/reqcost.sh $*"
