#!/usr/bin/env bash
# Runs every test suite of guanai and ends with one line that counts them:
#   the layer check (scripts/check-layers.py), unit tests (cmocka,
#   ASan/UBSan build), API tests (pytest, against an ASan/UBSan server) on
#   SQLite and on a throwaway PostgreSQL cluster, and the browser test
#   (headless Chromium).
# Called by `make test` after the builds; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

TMP=$(mktemp -d /tmp/guanai-test-XXXXXX)
# The PostgreSQL server runs as its own user when we are root: it must be
# able to enter this directory to reach its data directory inside.
chmod 711 "$TMP"
PGDIR="$TMP/pg"
PGPORT=$(( 20000 + RANDOM % 20000 ))
passed=0
failed=0
suites_failed=()

cleanup() {
  [ -d "$PGDIR" ] && bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
# A known leak in Debian's cairo (see tests/lsan.supp), nothing of ours.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"

# count SUITE PASSED FAILED RC: adds a suite's figures; a suite that exited
# non-zero with no failure counted still counts as one failure.
count() {
  local suite=$1 p=$2 f=$3 rc=$4
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    [ "$f" -eq 0 ] && failed=$((failed + 1))
    suites_failed+=("$suite")
  fi
  printf '== %-24s %4d passed, %d failed\n' "$suite" "$p" "$f"
}

echo "== PostgreSQL: starting a throwaway cluster on 127.0.0.1:$PGPORT"
PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT" | tail -n 1) || {
  echo "could not start PostgreSQL"; exit 1; }
export GUANAI_PG_URL="$PGURL"

# --- the layers of docs/ARCHITECTURE.md: no include against their order,
# no include cycle (scripts/check-layers.py)
out="$TMP/layers.out"
/usr/bin/python3 scripts/check-layers.py >"$out" 2>&1; rc=$?
[ "$rc" -ne 0 ] && cat "$out"
count "layers" $((rc == 0)) $((rc != 0)) "$rc"

# --- unit tests
for t in build/asan/tests/test_*; do
  case $t in *.d) continue;; esac
  name=$(basename "$t")
  out="$TMP/$name.out"
  "$t" >"$out" 2>&1; rc=$?
  p=$(grep -o 'PASSED  \] [0-9]*' "$out" | grep -o '[0-9]*$' | tail -1)
  f=$(grep -o 'FAILED  \] [0-9]*' "$out" | grep -o '[0-9]*$' | tail -1)
  [ "$rc" -ne 0 ] && cat "$out"
  count "unit/$name" "${p:-0}" "${f:-0}" "$rc"
done

# --- fuzz smoke: each parser's fuzzer for a few seconds from its corpus
# (longer runs: make fuzz FUZZ_SECONDS=600)
for f in build/fuzz/fuzz_*; do
  case $f in *.d) continue;; esac
  name=${f#build/fuzz/fuzz_}
  out="$TMP/fuzz-$name.out"
  mkdir -p "$TMP/corpus-$name"
  dict=(); [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
  "$f" -max_total_time="${FUZZ_SMOKE_SECONDS:-10}" "${dict[@]}" \
    "$TMP/corpus-$name" "tests/fuzz/corpus/$name" >"$out" 2>&1; rc=$?
  [ "$rc" -ne 0 ] && tail -n 40 "$out"
  count "fuzz/$name" $((rc == 0)) 0 "$rc"
done

# --- API tests, once per backend
for backend in sqlite pg; do
  out="$TMP/api-$backend.out"
  GUANAI_BIN=build/asan/guanai GUANAI_TEST_BACKEND=$backend \
    ASAN_OPTIONS=detect_leaks=1 \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api >"$out" 2>&1; rc=$?
  tail -n 30 "$out"
  last=$(grep -E '(passed|failed|error)' "$out" | tail -1)
  p=$(echo "$last" | grep -o '[0-9]* passed' | grep -o '[0-9]*')
  f=$(echo "$last" | grep -oE '[0-9]+ (failed|error)' | awk '{s+=$1} END {print s+0}')
  count "api/$backend" "${p:-0}" "${f:-0}" "$rc"
done

# --- browser test
out="$TMP/browser.out"
bash tests/browser/run.sh build/guanai >"$out" 2>&1; rc=$?
tail -n 25 "$out"
# node --test closes with "ℹ pass N" (spec reporter) or "# pass N" (TAP).
p=$(grep -E '^(# |ℹ )pass [0-9]+' "$out" | grep -o '[0-9]*$' | tail -1)
f=$(grep -E '^(# |ℹ )fail [0-9]+' "$out" | grep -o '[0-9]*$' | tail -1)
count "browser" "${p:-0}" "${f:-0}" "$rc"

if [ ${#suites_failed[@]} -gt 0 ]; then
  echo "failing suites: ${suites_failed[*]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
