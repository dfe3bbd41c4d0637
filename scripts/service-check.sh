#!/usr/bin/env bash
# Follows docs/DEPLOY.md in a clean Debian 12 root booted with systemd
# (systemd-nspawn), on this tree's `make install`: the user from sysusers.d,
# `guanai init` as that user, the unit enabled, settings from
# /etc/default/guanai. Then checks that the service answers on its port,
# runs hardened (no capabilities, no_new_privs, seccomp, its own uid), makes
# a PDF and an xlsx under that sandbox, and stops cleanly.
#
#   scripts/service-check.sh [DIR]    (default: a new /tmp/guanai-svc.XXXXXX)
#   SERVICE_CHECK_PG=1   the database in PostgreSQL instead (DEPLOY.md's
#                        variant: the local socket, peer authentication)
#
# Needs root, debootstrap and systemd-nspawn (installed when missing), and a
# built tree (make build/guanai web data). Not part of `make test`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "service-check: run as root" >&2; exit 2; }
DIR=${1:-$(mktemp -d /tmp/guanai-svc.XXXXXX)}
mkdir -p "$DIR"
R="$DIR/root"
NSPID=""

need() { command -v "$1" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
need debootstrap debootstrap
need systemd-nspawn systemd-container

cleanup() {
  if [ -n "$NSPID" ] && kill -0 "$NSPID" 2>/dev/null; then
    kill -TERM "$NSPID"
    for _ in $(seq 30); do kill -0 "$NSPID" 2>/dev/null || break; sleep 1; done
    kill -9 "$NSPID" 2>/dev/null || true
  fi
  mountpoint -q "$R/dev/shm" && umount "$R/dev/shm" || true
  mountpoint -q "$R/proc" && umount "$R/proc" || true
  if grep -q " $R/" /proc/mounts; then echo "service-check: $R still has mounts; kept" >&2
  else rm -rf "$R"; fi
}
trap cleanup EXIT

# The host's Debian mirror (as scripts/fresh-machine.sh finds it).
MIRROR=$(awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") print u }' \
  /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 1p)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian

echo "== debootstrap bookworm (+systemd) into $R"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$R" "$MIRROR" \
  >"$DIR/debootstrap.log" 2>&1 || { tail -n 20 "$DIR/debootstrap.log"; exit 1; }
cp /etc/apt/sources.list.d/*.sources "$R/etc/apt/sources.list.d/" 2>/dev/null && rm -f "$R/etc/apt/sources.list"
# this sandbox's dated mirror (see fresh-machine.sh); no daemons in a chroot
apt-config dump | grep -q 'Acquire::Check-Valid-Until "false"' &&
  echo 'Acquire::Check-Valid-Until "false";' >"$R/etc/apt/apt.conf.d/99snapshot"
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$R/etc/resolv.conf"

in_root() {
  chroot "$R" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 /bin/sh -c "$1"
}
echo "== the runtime libraries, make install"
mount -t proc proc "$R/proc"
in_root 'apt-get update -qq && apt-get install -y -qq --no-install-recommends \
  libmicrohttpd12 libjansson4 libsodium23 libsqlite3-0 libpq5 libxlsxwriter4 libzip4 \
  libexpat1 libpangocairo-1.0-0 libcairo2 fontconfig libqrencode4 libcsv3 fonts-noto-cjk >/dev/null' \
  >>"$DIR/debootstrap.log" 2>&1 || { tail -n 20 "$DIR/debootstrap.log"; exit 1; }
make -s -C "$REPO" install DESTDIR="$R" PREFIX=/usr/local

echo "== docs/DEPLOY.md, step 2"
PORT=$(( 20000 + RANDOM % 20000 ))
DB=/var/lib/guanai/guanai.db
if [ "${SERVICE_CHECK_PG:-}" = 1 ]; then
  # Debian's cluster, on a port of its own (this machine's network is
  # shared), started by hand in the chroot and by systemd at boot.
  PGPORT=$(( 20000 + RANDOM % 20000 ))
  DB="postgresql:///guanai?host=/run/postgresql&port=$PGPORT"
  mkdir -p "$R/dev/shm" && mount -t tmpfs tmpfs "$R/dev/shm"
  in_root "apt-get install -y -qq --no-install-recommends postgresql >/dev/null &&
    sed -i 's/^port = .*/port = $PGPORT/' /etc/postgresql/15/main/postgresql.conf &&
    pg_ctlcluster 15 main start &&
    runuser -u postgres -- createuser -p $PGPORT guanai &&
    runuser -u postgres -- createdb -p $PGPORT -O guanai guanai" >>"$DIR/debootstrap.log" 2>&1
fi
in_root "systemd-sysusers &&
  install -d -o guanai -g guanai -m 700 /var/lib/guanai &&
  runuser -u guanai -- guanai init --db '$DB' >/dev/null &&
  runuser -u guanai -- guanai demo --db '$DB' --children 5 --region 220122 >/dev/null &&
  runuser -u guanai -- guanai user add --db '$DB' --username xian \
    --role county --region 220122 | tail -n 1 >/root/otp &&
  echo GUANAI_LISTEN=127.0.0.1:$PORT >/etc/default/guanai &&
  echo 'GUANAI_DB=$DB' >>/etc/default/guanai &&
  echo 'GUANAI_OPTS=\"--public-url https://guanai.example.org\"' >>/etc/default/guanai &&
  systemctl enable guanai"
if [ "${SERVICE_CHECK_PG:-}" = 1 ]; then
  in_root "pg_ctlcluster 15 main stop"
  umount "$R/dev/shm"
fi
umount "$R/proc"
rm -f "$R/usr/sbin/policy-rc.d" # systemd starts what is enabled at boot

echo "== boot (systemd-nspawn), the service on 127.0.0.1:$PORT"
setsid systemd-nspawn -D "$R" -b --register=no --keep-unit --console=pipe >"$DIR/boot.log" 2>&1 &
NSPID=$!
up=""
for _ in $(seq 60); do
  if curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >"$DIR/health.json" 2>/dev/null; then up=1; break; fi
  sleep 1
done
[ -n "$up" ] || { echo "service-check: no answer"; tail -n 30 "$DIR/boot.log"; exit 1; }
echo "health: $(cat "$DIR/health.json")"
INIT=$(pgrep -P "$NSPID" -x systemd | head -n 1)
GPID=$(pgrep -P "$INIT" -x guanai | head -n 1)
ns() { nsenter -t "$INIT" -m -u -i -p env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_COLORS=0 SYSTEMD_PAGER= "$@"; }
grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$GPID/status" | tr -s '\t' ' ' | sed 's/^/process: /'
grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$GPID/status"
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$GPID/status"
grep -q '^Seccomp:[[:space:]]*2$' "/proc/$GPID/status"
ns systemd-analyze security guanai --no-pager | tail -n 1

# a PDF (cairo, pango, fontconfig) and an xlsx under the sandbox
/usr/bin/python3 - "$PORT" "$(cat "$R/root/otp")" <<'EOF'
import sys, requests
base = f"http://127.0.0.1:{sys.argv[1]}/api/v1"
otp, s = sys.argv[2], requests.Session()
r = s.post(base + "/session", json={"username": "xian", "password": otp}); r.raise_for_status()
h = {"X-CSRF-Token": r.json()["csrf_token"]}
s.put(base + "/session/password", headers=h,
      json={"old_password": otp, "new_password": "Svc-check-2026!"}).raise_for_status()
kid = s.get(base + "/children").json()["items"][0]["id"]
pdf = s.get(base + f"/children/{kid}/record.pdf")
xlsx = s.get(base + "/children/export")
assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), pdf.status_code
assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK"), xlsx.status_code
print(f"record.pdf {len(pdf.content)} bytes, export.xlsx {len(xlsx.content)} bytes")
EOF
ns systemctl stop guanai
ns journalctl -u guanai --no-pager -o cat | tail -n 4 | sed 's/^/journal: /'
echo "service-check: the service ran as DEPLOY.md says, hardened, and stopped cleanly"
