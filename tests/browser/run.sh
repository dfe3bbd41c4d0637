#!/usr/bin/env bash
# Browser test of the UI shell against a real guanai server.
#   tests/browser/run.sh [path/to/guanai]      (default: build/guanai)
# Needs: web/dist built (cd web && npm ci && npm run build), web/node_modules
# (playwright-core) and Debian's /usr/bin/chromium. Screenshots go to
# tests/browser/artifacts/. Set SERVER_LOG=FILE to keep the server's log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${1:-build/guanai}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
WEB="$ROOT/web/dist"

fail() { echo "browser: $*" >&2; exit 2; }
[ -x "$BIN" ] || fail "no guanai binary at $BIN (run make)"
[ -f "$WEB/index.html" ] || fail "no $WEB/index.html (cd web && npm ci && npm run build)"
[ -d "$ROOT/web/node_modules/playwright-core" ] || fail "no web/node_modules/playwright-core (cd web && npm ci)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"

TMP="$(mktemp -d -t guanai-browser.XXXXXX)"
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "${SERVER_LOG:-}" ] && [ -f "$TMP/server.log" ]; then cp "$TMP/server.log" "$SERVER_LOG" || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN" init --db "$TMP/t.db" >"$TMP/init.out" 2>"$TMP/init.err" || {
	cat "$TMP/init.err" >&2
	fail "guanai init failed"
}
OTP="$(grep -v '^[[:space:]]*$' "$TMP/init.out" | tail -n 1 | tr -d '\r[:space:]')"
[ -n "$OTP" ] || fail "guanai init printed no one-time password"

# a free port on the loopback interface
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT/"

"$BIN" serve --db "$TMP/t.db" --listen "127.0.0.1:$PORT" --web "$WEB" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

up=""
for _ in $(seq 150); do
	if curl -fsS -o /dev/null "${URL}api/v1/health" 2>/dev/null; then up=1; break; fi
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.2
done
if [ -z "$up" ]; then
	cat "$TMP/server.log" >&2
	fail "server did not answer ${URL}api/v1/health"
fi

rc=0
GUANAI_URL="$URL" GUANAI_ADMIN_OTP="$OTP" node --test --test-reporter=spec "$ROOT/tests/browser/shell.test.mjs" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "---- server log (last 60 lines) ----" >&2
	tail -n 60 "$TMP/server.log" >&2 || true
fi
exit "$rc"
