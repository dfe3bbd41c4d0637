#!/usr/bin/env bash
# Runs every test suite of guanai and ends with one line that counts them:
#   the layer check (scripts/check-layers.py), unit tests (cmocka,
#   ASan/UBSan build), fuzz smoke (libFuzzer, a few seconds each), API tests
#   (pytest, against an ASan/UBSan server) on SQLite and on a throwaway
#   PostgreSQL cluster, and the browser test (headless Chromium).
# Called by `make test` after the builds; exits non-zero if anything failed.
#
# The suites run in three lanes at once, since none of them keeps two cores
# busy alone: the API suite on PostgreSQL, the API suite on SQLite (each
# with two pytest workers, one file per worker at a time), and the rest one
# after another (unit tests, fuzzers, browser).  They cannot meet: every
# pytest worker has its own temporary directory, database (SQLite file or
# PostgreSQL database of a random name) and servers on free ports; the
# browser test and the unit tests make their own temporary directories.
#
# Environment:
#   API_WORKERS=N        pytest workers per backend (default 2)
#   FUZZ_SMOKE_SECONDS=N each fuzzer's time (default 10)
#   TEST_LANES=serial    one suite at a time (to time each one alone)
# Every suite's output is kept in build/test-logs/ (emptied first).
set -uo pipefail
cd "$(dirname "$0")/.."

START=$EPOCHREALTIME
TMP=$(mktemp -d /tmp/guanai-test-XXXXXX)
# The PostgreSQL server runs as its own user when we are root: it must be
# able to enter this directory to reach its data directory inside.
chmod 711 "$TMP"
PGDIR="$TMP/pg"
LOGS=build/test-logs
RES="$TMP/results"
rm -rf "$LOGS"
mkdir -p "$LOGS" "$RES"
LANE_PIDS=()

# The processes under `pid`, children first.
descendants() {
  local c
  for c in $(pgrep -P "$1"); do
    echo "$c"
    descendants "$c"
  done
}

cleanup() {
  # A lane still running (we were interrupted): everything under it is
  # told as by Ctrl-C (SIGINT: pytest's teardown stops the servers it
  # started, a server stops), given ten seconds, then the lane goes.
  local pid n
  for pid in "${LANE_PIDS[@]}"; do
    kill -INT $(descendants "$pid") 2>/dev/null
  done
  for pid in "${LANE_PIDS[@]}"; do
    for n in $(seq 100); do
      [ -n "$(pgrep -P "$pid")" ] || break
      sleep 0.1
    done
    kill -- $(descendants "$pid") "$pid" 2>/dev/null
  done
  [ -d "$PGDIR" ] && bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A known leak in Debian's cairo (see tests/lsan.supp), nothing of ours.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"

for b in build/guanai build/asan/guanai; do
  [ -x "$b" ] || { echo "no $b: run make test (or make $b)"; exit 1; }
done

# seconds since $1 (an $EPOCHREALTIME), to a tenth
since() {
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# record SUITE PASSED FAILED RC SECS: one suite's figures, for the summary
# (a file per suite, since the lanes are separate processes).
record() {
  local suite=$1
  printf '%s %s %s %s %s\n' "$suite" "$2" "$3" "$4" "$5" >"$RES/${suite//\//_}"
  line "$suite" "$2" "$3" "$5"
}

line() {
  printf '== %-24s %4d passed, %d failed  %7ss\n' "$1" "$2" "$3" "$4"
}

# Each suite's output goes to build/test-logs/SUITE.out (slashes as _);
# a failing suite's end is shown at once.
logfile() { echo "$LOGS/${1//\//_}.out"; }

unit_test() {
  local t=$1 name out t0 rc p f
  name=$(basename "$t")
  out=$(logfile "unit/$name")
  t0=$EPOCHREALTIME
  "$t" >"$out" 2>&1; rc=$?
  p=$(grep -o 'PASSED  \] [0-9]*' "$out" | grep -o '[0-9]*$' | tail -1)
  f=$(grep -o 'FAILED  \] [0-9]*' "$out" | grep -o '[0-9]*$' | tail -1)
  [ "$rc" -ne 0 ] && cat "$out"
  record "unit/$name" "${p:-0}" "${f:-0}" "$rc" "$(since "$t0")"
}

# fuzz smoke: each parser's fuzzer for a few seconds from its corpus
# (longer runs: make fuzz FUZZ_SECONDS=600)
fuzz_smoke() {
  local f=$1 name out t0 rc
  name=${f#build/fuzz/fuzz_}
  out=$(logfile "fuzz/$name")
  mkdir -p "$TMP/corpus-$name"
  local dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
  t0=$EPOCHREALTIME
  "$f" -max_total_time="${FUZZ_SMOKE_SECONDS:-10}" "${dict[@]}" \
    "$TMP/corpus-$name" "tests/fuzz/corpus/$name" >"$out" 2>&1; rc=$?
  [ "$rc" -ne 0 ] && tail -n 40 "$out"
  record "fuzz/$name" $((rc == 0)) 0 "$rc" "$(since "$t0")"
}

# The API suite on one backend: its own pytest temporary directory, so
# that the two backends' runs never remove each other's.
api_suite() {
  local backend=$1 out t0 rc last p f
  out=$(logfile "api/$backend")
  t0=$EPOCHREALTIME
  GUANAI_BIN=build/asan/guanai GUANAI_TEST_BACKEND=$backend \
    ASAN_OPTIONS=detect_leaks=1 \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider \
      -n "${API_WORKERS:-2}" --dist loadfile --durations=15 \
      --basetemp="$TMP/pytest-$backend" tests/api >"$out" 2>&1; rc=$?
  last=$(grep -E '[0-9]+ (passed|failed|error)' "$out" | tail -1)
  p=$(echo "$last" | grep -o '[0-9]* passed' | grep -o '[0-9]*')
  f=$(echo "$last" | grep -oE '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
  if [ "$rc" -ne 0 ]; then
    sed -n '/short test summary info/,$p' "$out" | tail -n 40
  fi
  record "api/$backend" "${p:-0}" "${f:-0}" "$rc" "$(since "$t0")"
}

browser_suite() {
  local out t0 rc p f
  out=$(logfile browser)
  t0=$EPOCHREALTIME
  bash tests/browser/run.sh build/guanai >"$out" 2>&1; rc=$?
  [ "$rc" -ne 0 ] && tail -n 40 "$out"
  # node --test closes with "ℹ pass N" (spec reporter) or "# pass N" (TAP).
  p=$(grep -E '^(# |ℹ )pass [0-9]+' "$out" | grep -o '[0-9]*$' | tail -1)
  f=$(grep -E '^(# |ℹ )fail [0-9]+' "$out" | grep -o '[0-9]*$' | tail -1)
  record browser "${p:-0}" "${f:-0}" "$rc" "$(since "$t0")"
}

# The suites without a lane of their own: short, or mostly waiting (the
# WAL test waits on the disk, the browser on Chromium).
rest_lane() {
  local t f
  for t in build/asan/tests/test_*; do
    case $t in *.d | "$ALONE") continue;; esac
    unit_test "$t"
  done
  for f in build/fuzz/fuzz_*; do
    case $f in *.d) continue;; esac
    fuzz_smoke "$f"
  done
  browser_suite
}

# A port nobody listens on, tried three times: another run's cluster or
# server may have taken the one we drew.
pg_started=
for _ in 1 2 3; do
  PGPORT=$(( 20000 + RANDOM % 20000 ))
  if PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT" 2>"$TMP/pg.err" | tail -n 1); then
    [ -n "$PGURL" ] && { pg_started=1; break; }
  fi
done
[ -n "$pg_started" ] || { cat "$TMP/pg.err"; echo "could not start PostgreSQL"; exit 1; }
echo "== PostgreSQL: a throwaway cluster on 127.0.0.1:$PGPORT"
export GUANAI_PG_URL="$PGURL"

# The layers of docs/ARCHITECTURE.md: no include against their order, no
# include cycle.  A second, before everything else.
layers_check() {
  local out t0 rc
  out=$(logfile layers)
  t0=$EPOCHREALTIME
  /usr/bin/python3 scripts/check-layers.py >"$out" 2>&1; rc=$?
  [ "$rc" -ne 0 ] && cat "$out"
  record layers $((rc == 0)) $((rc != 0)) "$rc" "$(since "$t0")"
}
layers_check

# The WAL test measures how far the WAL grows under a write load of its
# own while the checkpointer keeps up: with the lanes' load on top of it
# (and other work on the machine) the checkpointer fell behind (24 MB
# against 17 at most).  It runs first, alone.
ALONE=build/asan/tests/test_store_wal
[ -x "$ALONE" ] && unit_test "$ALONE"

if [ "${TEST_LANES:-}" = serial ]; then
  rest_lane
  api_suite sqlite
  api_suite pg
else
  # PostgreSQL's suite is the longest: it starts first.
  api_suite pg & LANE_PIDS+=($!)
  api_suite sqlite & LANE_PIDS+=($!)
  rest_lane & LANE_PIDS+=($!)
  for pid in "${LANE_PIDS[@]}"; do wait "$pid"; done
  LANE_PIDS=()
fi

# The summary, in a fixed order whatever order the lanes ended in.
passed=0
failed=0
suites_failed=()
echo
echo "== suites (wall time of each; the lanes overlap)"
for r in $(ls "$RES" | sort); do
  read -r suite p f rc secs <"$RES/$r"
  passed=$((passed + p)); failed=$((failed + f))
  # a suite that exited non-zero with no failure counted counts as one
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    [ "$f" -eq 0 ] && failed=$((failed + 1))
    suites_failed+=("$suite")
  fi
  line "$suite" "$p" "$f" "$secs"
done
# Every suite that should have run has a line: a lane that died on the
# way (or a missing binary) is a failure, not a shorter list.
want=(layers api/sqlite api/pg browser)
for t in build/asan/tests/test_*; do case $t in *.d) ;; *) want+=("unit/$(basename "$t")");; esac; done
for f in build/fuzz/fuzz_*; do case $f in *.d) ;; *) want+=("fuzz/${f#build/fuzz/fuzz_}");; esac; done
for s in "${want[@]}"; do
  if [ ! -f "$RES/${s//\//_}" ]; then
    echo "== $s: did not run"
    failed=$((failed + 1)); suites_failed+=("$s")
  fi
done

if [ ${#suites_failed[@]} -gt 0 ]; then
  echo "failing suites: ${suites_failed[*]} (output in $LOGS/)"
fi
echo "== all suites: $(since "$START")s wall"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
