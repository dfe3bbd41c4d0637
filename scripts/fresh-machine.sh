#!/usr/bin/env bash
# Proves that the README's two commands work the first time on a machine
# that has none of the packages: builds clean Debian 12 (bookworm) roots with
# debootstrap from this machine's apt source, copies a clean clone of this
# repository's HEAD into each, and runs there, as root:
#   1. `make run` in one root: waits until /api/v1/health answers, stops it;
#   2. `make test` in a second root, so that it too starts from nothing.
# Prints the lines that matter and keeps the full logs.
#
#   scripts/fresh-machine.sh [DIR]     (default: a new /tmp/guanai-fresh.XXXXXX)
#   FRESH_KEEP=1   keep the roots afterwards (several GB); logs are always kept
#
# Needs root (debootstrap, chroot, mounts) and a few GB of disk. Slow: the
# packages, two builds and the whole test suite (an hour on two cores).
# Not part of `make test`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine: run as root" >&2; exit 2; }
DIR=${1:-$(mktemp -d /tmp/guanai-fresh.XXXXXX)}
case "$DIR" in "$REPO"|"$REPO"/*) echo "fresh-machine: $DIR is inside the repository" >&2; exit 2 ;; esac
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SUITE=bookworm
ROOTS=()
PIDS=()

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }

command -v debootstrap >/dev/null || {
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

# The host's Debian mirror for bookworm and, when it has one, for
# bookworm-security: from deb822 .sources files or one-line .list files.
mirror_for() {
  local suite=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && awk -v s="$suite" '
      /^URIs:/ { u = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) print u }
      /^$/ { u = "" }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++)
      if ($i ~ /^(https?|file):/ && $(i+1) == s) print $i }' "$f"
  done
  return 0
}
MIRROR=$(mirror_for "$SUITE" | sed -n 1p)
SECURITY=$(mirror_for "$SUITE-security" | sed -n 1p)
[ -n "$MIRROR" ] || { echo "fresh-machine: no $SUITE source in /etc/apt/sources.list*" >&2; exit 1; }

# Ends what this script started inside a root (by process id), then undoes
# its mounts; never removes a root that still has anything mounted in it.
release_root() {
  local r=$1 p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  sleep 1
  for m in dev/shm dev/pts dev proc; do
    mountpoint -q "$r/$m" && umount "$r/$m" 2>/dev/null || umount -l "$r/$m" 2>/dev/null || true
  done
  if mountpoint -q "$r/sys"; then umount -R "$r/sys" 2>/dev/null || umount -Rl "$r/sys" || true; fi
  return 0
}
remove_root() {
  local r=$1
  release_root "$r"
  if grep -q " $r/" /proc/mounts; then
    echo "fresh-machine: $r still has mounts; not removing it" >&2
    return
  fi
  rm -rf "$r"
}
cleanup() {
  set +e # all of it, whatever fails on the way
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for r in "${ROOTS[@]}"; do
    if [ "${FRESH_KEEP:-}" = 1 ]; then release_root "$r"; else remove_root "$r"; fi
  done
  [ "${FRESH_KEEP:-}" = 1 ] || rm -rf "$DIR/clone"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a bare bookworm, made once and copied for each run
BASE="$DIR/base"
ROOTS+=("$BASE")
log "debootstrap $SUITE from $MIRROR into $BASE"
debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" >"$DIR/debootstrap.log" 2>&1 || {
  tail -n 20 "$DIR/debootstrap.log"; exit 1; }
{
  echo "Types: deb"; echo "URIs: $MIRROR"; echo "Suites: $SUITE $SUITE-updates"
  echo "Components: main"; echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ -n "$SECURITY" ]; then
    echo; echo "Types: deb"; echo "URIs: $SECURITY"; echo "Suites: $SUITE-security"
    echo "Components: main"; echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  fi
} >"$BASE/etc/apt/sources.list.d/debian.sources"
rm -f "$BASE/etc/apt/sources.list"
# This sandbox's properties, not a user's: its mirror is a dated snapshot
# whose Release files are past their Valid-Until, and the npm registry is
# reached through a proxy whose CA is in the host's local CA store. The root
# gets both, nothing else of the host.
if apt-config dump | grep -q 'Acquire::Check-Valid-Until "false"'; then
  echo 'Acquire::Check-Valid-Until "false";' >"$BASE/etc/apt/apt.conf.d/99fresh-snapshot"
fi
mkdir -p "$BASE/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$BASE/usr/local/share/ca-certificates/" 2>/dev/null || true
# A chroot has no init: package scripts must not start daemons in it
# (PostgreSQL's cluster would keep running and hold the root).
printf '#!/bin/sh\nexit 101\n' >"$BASE/usr/sbin/policy-rc.d"
chmod 755 "$BASE/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$BASE/etc/resolv.conf"
# What a person typing `make run` has: make, and git, with which the tree
# was cloned. Nothing else.
chroot "$BASE" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  /bin/sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends make git >/dev/null' \
  >>"$DIR/debootstrap.log" 2>&1 || { tail -n 20 "$DIR/debootstrap.log"; exit 1; }
CLONE="$DIR/clone"
rm -rf "$CLONE"
git clone -q --no-hardlinks "$REPO" "$CLONE"
log "clean clone of $(git -C "$CLONE" describe --always --dirty) ($(git -C "$CLONE" log -1 --format=%s | cut -c1-70))"

# new_root NAME: a copy of the base with the clone in /root/guanai, mounted
new_root() {
  local r="$DIR/$1"
  ROOTS+=("$r")
  cp -a "$BASE" "$r"
  cp -a "$CLONE" "$r/root/guanai"
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys"
  mount --make-rslave "$r/sys"
  mount --bind /dev "$r/dev"
  mount --bind /dev/pts "$r/dev/pts"
  mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
  R="$r"
}
# in_root CMD: runs CMD in the root $R as root, in /root/guanai, with a
# clean environment (nothing of this machine's PATH, node or python).
in_root() {
  chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    /bin/bash -c "cd /root/guanai && $1"
}
rc=0

# --- 1. make run: until the server answers, then stop it
new_root run
PORT=$(( 20000 + RANDOM % 20000 ))
log "make run LISTEN=127.0.0.1:$PORT in $R (log: $DIR/make-run.log)"
t0=$(date +%s)
setsid bash -c "$(declare -f in_root); R='$R'; in_root 'make run LISTEN=127.0.0.1:$PORT'" \
  >"$DIR/make-run.log" 2>&1 &
RUNPID=$!
PIDS+=("$RUNPID")
health=""
while kill -0 "$RUNPID" 2>/dev/null && [ $(( $(date +%s) - t0 )) -lt 5400 ]; do
  if health=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/health" 2>/dev/null); then break; fi
  health=""
  sleep 5
done
if [ -n "$health" ]; then
  ui=$(curl -fsS "http://127.0.0.1:$PORT/" | grep -o '<title>[^<]*</title>' || true)
  echo "make run: serving after $(( $(date +%s) - t0 )) s; /api/v1/health: $health; /: $ui"
  grep -E '^(系统管理员|  admin 一次性密码|guanai: http|已导入|演示数据)' "$DIR/make-run.log" | sed 's/^/  | /' || true
else
  echo "make run: FAILED (no answer on /api/v1/health); last lines:"
  tail -n 30 "$DIR/make-run.log" | sed 's/^/  | /'
  rc=1
fi
kill -TERM -- -"$RUNPID" 2>/dev/null || true
wait "$RUNPID" 2>/dev/null || true
[ "${FRESH_KEEP:-}" = 1 ] && release_root "$R" || remove_root "$R"

# --- 2. make test in a root of its own, from nothing as well
new_root test
log "make test in $R (log: $DIR/make-test.log)"
t0=$(date +%s)
if in_root 'make test' >"$DIR/make-test.log" 2>&1; then test_rc=0; else test_rc=$?; fi
echo "make test: exit $test_rc after $(( $(date +%s) - t0 )) s; its summary:"
grep -E '^(== |failing suites|tests: )' "$DIR/make-test.log" | sed 's/^/  | /'
[ "$test_rc" -eq 0 ] || { tail -n 40 "$DIR/make-test.log" | sed 's/^/  | /'; rc=1; }
in_root 'node --version; npm --version; /usr/bin/chromium --version; build/guanai --version' 2>&1 | sed 's/^/  toolchain: /'

log "logs in $DIR; $([ $rc -eq 0 ] && echo 'both commands worked the first time' || echo FAILED)"
exit $rc
