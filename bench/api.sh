#!/usr/bin/env bash
# Benchmark: the child list and detail endpoints under wrk with 64
# connections on a database of N children (default 1,000,000 over all of
# Jilin), beside nginx serving a static file of the same size as the list
# answer on the same machine, in the same run.
#
#   bash bench/api.sh                 # 1,000,000 children (several minutes)
#   N=100000 DURATION=10 bash bench/api.sh
#
# Needs wrk and nginx (installed here when missing).  Prints requests per
# second and latency percentiles; the target is p99 under 20 ms.  Then,
# with valgrind, the instructions each request costs (COST=0 skips it).
# THREADS=N passes --threads N to the server (default: two per core).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
DURATION=${DURATION:-20}
CONN=${CONN:-64}
BIN=${GUANAI_BIN:-build/guanai}
[ -x "$BIN" ] || make -s build/guanai
for p in wrk nginx valgrind; do
  command -v $p >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo;
    $SUDO apt-get install -y -qq $p >/dev/null; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

T=${BENCH_DIR:-$(mktemp -d /tmp/guanai-bench-XXXXXX)}
chmod 755 "$T"
cleanup() {
  [ -n "${GPID:-}" ] && kill "$GPID" 2>/dev/null
  [ -n "${CGN:-}" ] && kill "$CGN" 2>/dev/null
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
  [ -z "${BENCH_DIR:-}" ] && rm -rf "$T"
  return 0
}
trap cleanup EXIT
PORT=$(( 30000 + RANDOM % 10000 )); NPORT=$((PORT + 1))

if [ ! -f "$T/g.db" ]; then
  "$BIN" init --db "$T/g.db" >/dev/null 2>&1
  echo "generating $N children …"
  "$BIN" demo --db "$T/g.db" --children "$N" --region 22 --seed 7 >/dev/null
fi
# A director of the village with the most children, and a county officer.
VILLAGE=$(sqlite3 "$T/g.db" "select region_code from children group by region_code order by count(*) desc limit 1")
COUNTY=${VILLAGE:0:6}
: >"$T/users"  # fresh accounts each run (a kept BENCH_DIR holds old ones)
for u in "dir:director:$VILLAGE" "cty:county:$COUNTY"; do
  IFS=: read -r name role code <<<"$u"
  otp=$("$BIN" user add --db "$T/g.db" --username "b$name$$" --role "$role" --region "$code" | tail -n 1)
  echo "$name $otp" >>"$T/users"
done

"$BIN" serve --db "$T/g.db" --listen "127.0.0.1:$PORT" ${THREADS:+--threads "$THREADS"} 2>"$T/serve.log" &
GPID=$!
for _ in $(seq 50); do curl -sf "127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done

login() { # name otp -> cookie header
  local jar="$T/jar.$1"
  curl -s -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"b$1$$\",\"password\":\"$2\"}" "127.0.0.1:$PORT/api/v1/session" >"$T/login.$1"
  local csrf; csrf=$(sed 's/.*"csrf_token":"\([^"]*\)".*/\1/' "$T/login.$1")
  curl -s -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" -X PUT \
    -d "{\"old_password\":\"$2\",\"new_password\":\"Bench-2018x\"}" "127.0.0.1:$PORT/api/v1/session/password" >/dev/null
  echo "Cookie: guanai_session=$(awk '$6=="guanai_session"{print $7}' "$jar")"
}
while read -r name otp; do declare "COOKIE_$name=$(login "$name" "$otp")"; done <"$T/users"

LIST="/api/v1/children?page_size=20"
curl -s -H "$COOKIE_cty" "127.0.0.1:$PORT$LIST" >"$T/list.json"
ID=$(sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/' "$T/list.json")
mkdir -p "$T/www"; cp "$T/list.json" "$T/www/list.json"
cat >"$T/nginx.conf" <<NG
worker_processes 2; pid $T/nginx.pid; error_log $T/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NPORT; root $T/www;
  location / { default_type application/json; } } }
NG
"$NGINX" -c "$T/nginx.conf" -p "$T"

run() { # label header url
  local out; out=$(wrk -t2 -c"$CONN" -d"${DURATION}s" --latency -H "$2" "$3")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf '  %-44s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
}
echo "wrk -t2 -c$CONN -d${DURATION}s on $(sqlite3 "$T/g.db" 'select count(*) from children') children; list answer $(wc -c <"$T/list.json") bytes"
run "nginx static file of the same size"  "X-None: 1"      "http://127.0.0.1:$NPORT/list.json"
run "list, county officer (page of 20)"   "$COOKIE_cty"    "http://127.0.0.1:$PORT$LIST"
run "list, village director (page of 20)" "$COOKIE_dir"    "http://127.0.0.1:$PORT$LIST"
run "detail, county officer (audited read)" "$COOKIE_cty"  "http://127.0.0.1:$PORT/api/v1/children/$ID"

# The same requests' cost in instructions, under callgrind: a figure the
# shared machine's noise does not move (wrk's figures above do), beside
# nginx serving the same file under callgrind.  One worker thread, 200
# requests each after 30 to warm up, on one keep-alive connection.
requests() { # port path header count: GETs on one keep-alive connection
  /usr/bin/python3 - "$@" <<'PY'
import sys, http.client
port, path, hdr, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
k, v = hdr.split(": ", 1)
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("GET", path, headers={k: v}); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
}
cost() { # pid port header path out -> instructions per request
  local pid=$1 port=$2 hdr=$3 path=$4 out=$5
  requests "$port" "$path" "$hdr" 30 || return 1
  callgrind_control -z "$pid" >/dev/null 2>&1; callgrind_control -i on "$pid" >/dev/null 2>&1
  requests "$port" "$path" "$hdr" 200 || return 1
  callgrind_control -i off "$pid" >/dev/null 2>&1; callgrind_control -d "$pid" >/dev/null 2>&1
  local f; f=$(ls -t "$out".* | head -n 1)
  callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); printf "%d", $1 / 200; exit}'
  rm -f "$out".*
}
if command -v valgrind >/dev/null && [ "${COST:-1}" != 0 ]; then
  kill "$GPID"; wait "$GPID" 2>/dev/null; GPID=""
  CPORT=$((PORT + 2)); NCPORT=$((PORT + 3))
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$T/cg.g.%p" \
    "$BIN" serve --db "$T/g.db" --listen "127.0.0.1:$CPORT" --threads 1 2>"$T/cg.g.log" &
  GPID=$!
  sed "s/$NPORT/$NCPORT/; s/worker_processes 2;/worker_processes 1; daemon off; master_process off;/; s/nginx.pid/nginx-cg.pid/" \
    "$T/nginx.conf" >"$T/nginx-cg.conf"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$T/cg.n.%p" \
    "$NGINX" -c "$T/nginx-cg.conf" -p "$T" 2>"$T/cg.n.log" &
  CGN=$!
  for _ in $(seq 300); do curl -sf "127.0.0.1:$CPORT/api/v1/health" >/dev/null &&
    curl -sf "127.0.0.1:$NCPORT/list.json" >/dev/null && break; sleep 0.2; done
  echo "instructions per request (callgrind, 1 worker thread, 200 requests after 30):"
  printf '  %-44s %10s\n' "nginx static file of the same size" \
    "$(cost "$CGN" "$NCPORT" "X-None: 1" /list.json "$T/cg.n")"
  printf '  %-44s %10s\n' "list, county officer (page of 20)" \
    "$(cost "$GPID" "$CPORT" "$COOKIE_cty" "$LIST" "$T/cg.g")"
  printf '  %-44s %10s\n' "list, village director (page of 20)" \
    "$(cost "$GPID" "$CPORT" "$COOKIE_dir" "$LIST" "$T/cg.g")"
  printf '  %-44s %10s\n' "detail, county officer (audited read)" \
    "$(cost "$GPID" "$CPORT" "$COOKIE_cty" "/api/v1/children/$ID" "$T/cg.g")"
  kill "$CGN" 2>/dev/null
fi
echo "reproduce: N=$N DURATION=$DURATION CONN=$CONN bash bench/api.sh   (COST=0 skips the callgrind part)"
