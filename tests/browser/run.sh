#!/usr/bin/env bash
# Browser tests of the UI against real guanai servers.
#   tests/browser/run.sh [path/to/guanai] [test files…]
#        (default: build/guanai and every tests/browser/*.test.mjs)
# Two databases: a fresh one (`guanai init`, the admin's one-time password)
# for shell.test.mjs, and a demo one (`guanai init --demo`: 3000 children in
# 农安县, accounts nongan/dudao/zhuren) plus a county user of another county
# (二道区) for children.test.mjs. Each gets its own server.
# Needs: web/dist built (cd web && npm ci && npm run build), web/node_modules
# (playwright-core) and Debian's /usr/bin/chromium. Screenshots go to
# tests/browser/artifacts/ (emptied first). Set SERVER_LOG=FILE to keep the
# servers' logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${1:-build/guanai}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
shift || true
WEB="$ROOT/web/dist"
TESTS=("$@")
if [ "${#TESTS[@]}" -eq 0 ]; then TESTS=("$ROOT"/tests/browser/*.test.mjs); fi

fail() { echo "browser: $*" >&2; exit 2; }
[ -x "$BIN" ] || fail "no guanai binary at $BIN (run make)"
[ -f "$WEB/index.html" ] || fail "no $WEB/index.html (cd web && npm ci && npm run build)"
[ -d "$ROOT/web/node_modules/playwright-core" ] || fail "no web/node_modules/playwright-core (cd web && npm ci)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"
# run from the repository root, as make does
cd "$ROOT"

TMP="$(mktemp -d -t guanai-browser.XXXXXX)"
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	if [ -n "${SERVER_LOG:-}" ]; then cat "$TMP"/*.log >"$SERVER_LOG" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the last non-empty line of a file (the one-time passwords)
last_line() { grep -v '^[[:space:]]*$' "$1" | tail -n 1 | tr -d '\r[:space:]'; }

"$BIN" init --db "$TMP/t.db" >"$TMP/init.out" 2>"$TMP/init.err" || {
	cat "$TMP/init.err" >&2
	fail "guanai init failed"
}
OTP="$(last_line "$TMP/init.out")"
[ -n "$OTP" ] || fail "guanai init printed no one-time password"
# the audit administrator comes from the console (admin does not read the log)
AUDIT_ADMIN=shenjiguan
"$BIN" user add --db "$TMP/t.db" --username "$AUDIT_ADMIN" --role audit_admin --region 22 \
	--name 审计管理员 >"$TMP/audit.out" 2>"$TMP/audit.err" || {
	cat "$TMP/audit.err" >&2
	fail "guanai user add --role audit_admin failed"
}
AUDIT_OTP="$(last_line "$TMP/audit.out")"

"$BIN" init --db "$TMP/demo.db" --demo >"$TMP/demo.out" 2>"$TMP/demo.err" || {
	cat "$TMP/demo.err" >&2
	fail "guanai init --demo failed"
}
OTHER_USER=erdao_county
"$BIN" user add --db "$TMP/demo.db" --username "$OTHER_USER" --role county --region 220102 \
	--name 二道区民政局 >"$TMP/user.out" 2>"$TMP/user.err" || {
	cat "$TMP/user.err" >&2
	fail "guanai user add failed"
}
OTHER_OTP="$(last_line "$TMP/user.out")"
[ -n "$OTHER_OTP" ] || fail "guanai user add printed no one-time password"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_server DB NAME: serves DB on a free loopback port, prints its URL
start_server() {
	local port url pid up=""
	port="$(free_port)"
	url="http://127.0.0.1:$port/"
	"$BIN" serve --db "$1" --listen "127.0.0.1:$port" --web "$WEB" >"$TMP/$2.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 150); do
		if curl -fsS -o /dev/null "${url}api/v1/health" 2>/dev/null; then up=1; break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if [ -z "$up" ]; then
		cat "$TMP/$2.log" >&2
		fail "server $2 did not answer ${url}api/v1/health"
	fi
	URL_OUT="$url"
}

start_server "$TMP/t.db" server
URL="$URL_OUT"
start_server "$TMP/demo.db" demo-server
DEMO_URL="$URL_OUT"

rm -rf "$ROOT/tests/browser/artifacts"
mkdir -p "$ROOT/tests/browser/artifacts"

rc=0
GUANAI_URL="$URL" GUANAI_ADMIN_OTP="$OTP" GUANAI_AUDIT_ADMIN="$AUDIT_ADMIN" GUANAI_AUDIT_OTP="$AUDIT_OTP" \
	GUANAI_DEMO_URL="$DEMO_URL" GUANAI_OTHER_USER="$OTHER_USER" GUANAI_OTHER_OTP="$OTHER_OTP" \
	node --test --test-concurrency=1 --test-reporter=spec "${TESTS[@]}" || rc=$?
if [ "$rc" -ne 0 ]; then
	for log in "$TMP"/*.log; do
		echo "---- $(basename "$log") (last 60 lines) ----" >&2
		tail -n 60 "$log" >&2 || true
	done
fi
exit "$rc"
