#!/usr/bin/env bash
# Benchmark: importing children from a CSV file in the import template's
# shape, with all validation on (ID check digits, ID vs birth date and sex,
# codes, region scope, duplicates, history), against the sqlite3 CLI's
# plain `.import` of the same file into an empty table, in the same run.
#
#   bash bench/import.sh                     # 1,000,000 rows (the issue's size)
#   N=100000 ROUNDS=1 bash bench/import.sh   # a quicker look
#
# Prints both times, rows per second and the ratio of each round, and the
# median ratio (target: at most 3x).  The command line's import has the
# database to itself here (one transaction, no WAL: store_bulk); BESIDE=1
# (the default) adds one round with `guanai serve` running on the same
# database, as when a county officer uploads the file in the browser:
# the import then writes in WAL batches beside the server.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
BIN=${GUANAI_BIN:-build/guanai}
[ -x "$BIN" ] || make -s build/guanai
T=$(mktemp -d /tmp/guanai-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT

"$BIN" init --db "$T/g.db" >/dev/null
OTP=$("$BIN" user add --db "$T/g.db" --username bench --role county --region 220122 | tail -n 1)
: "$OTP"
"$BIN" demo --db "$T/g.db" --children "$N" --region 220122 --seed 41 --csv "$T/children.csv" >/dev/null
size=$(du -h "$T/children.csv" | cut -f1)

# Wall time and CPU time (user + system) of each: CPU time is steadier on
# a shared, noisy machine; both are printed.  ROUNDS runs of each, in
# turns (sqlite3, guanai, sqlite3, …), each guanai run on a fresh copy of
# the same initialised database; the ratio of each round and the median.
ROUNDS=${ROUNDS:-3}
cp "$T/g.db" "$T/g0.db"
TIMEFORMAT='%R %U %S'
echo "import of $N children ($size CSV), $ROUNDS rounds"
: >"$T/ratios"
for r in $(seq 1 "$ROUNDS"); do
  rm -f "$T/base.db" "$T/g.db" "$T/g.db-wal" "$T/g.db-shm"
  cp "$T/g0.db" "$T/g.db"
  { time sqlite3 "$T/base.db" ".import --csv $T/children.csv raw" ; } 2>"$T/t.base"
  base_rows=$(sqlite3 "$T/base.db" "select count(*) from raw")
  { time "$BIN" import children --db "$T/g.db" --as bench "$T/children.csv" >"$T/import.out" ; } 2>"$T/t.ours"
  ours_rows=$(sqlite3 "$T/g.db" "select count(*) from children")
  read -r bw bu bs <"$T/t.base"
  read -r ow ou os <"$T/t.ours"
  awk -v r="$r" -v n="$N" -v bw="$bw" -v bc="$(echo "$bu + $bs" | bc)" -v ow="$ow" \
      -v oc="$(echo "$ou + $os" | bc)" -v br="$base_rows" -v or="$ours_rows" 'BEGIN {
    printf "round %d\n", r
    printf "  sqlite3 .import (no validation): %8.2f s wall %8.2f s cpu  %9.0f rows/s  (%d rows)\n", bw, bc, n / bw, br
    printf "  guanai import children:          %8.2f s wall %8.2f s cpu  %9.0f rows/s  (%d rows stored)\n", ow, oc, n / ow, or
    printf "  ratio guanai / sqlite3:          %8.2f x wall %8.2f x cpu\n", ow / bw, oc / bc
  }'
  echo "$ow $bw" | awk '{ printf "%.4f\n", $1 / $2 }' >>"$T/ratios"
done
sort -n "$T/ratios" | awk '{ a[NR] = $1 } END {
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "median ratio guanai / sqlite3 (wall) over %d rounds: %.2f x  (target <= 3)\n", NR, m
}'
cat "$T/import.out"
if [ "${BESIDE:-1}" = 1 ]; then
  rm -f "$T/g.db" "$T/g.db-wal" "$T/g.db-shm"
  cp "$T/g0.db" "$T/g.db"
  PORT=$(( 30000 + RANDOM % 10000 ))
  "$BIN" serve --db "$T/g.db" --listen "127.0.0.1:$PORT" >"$T/serve.log" 2>&1 &
  SPID=$!
  for _ in $(seq 50); do curl -sf "127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  { time "$BIN" import children --db "$T/g.db" --as bench "$T/children.csv" >"$T/import.out" ; } 2>"$T/t.ours"
  kill "$SPID"; wait "$SPID" 2>/dev/null || true
  read -r ow ou os <"$T/t.ours"
  awk -v ow="$ow" -v oc="$(echo "$ou + $os" | bc)" -v bw="$bw" 'BEGIN {
    printf "beside a running server (WAL, batches of at most 2 s):\n"
    printf "  guanai import children:          %8.2f s wall %8.2f s cpu  (%.2f x the last sqlite3 round)\n", ow, oc, ow / bw
  }'
  cat "$T/import.out"
fi
echo "reproduce: N=$N ROUNDS=$ROUNDS bash bench/import.sh"
