#!/usr/bin/env bash
# Installs the Debian packages guanai needs to build, run and test.
#   scripts/deps.sh           everything (make run / make test call this)
#   scripts/deps.sh --build   only what building and serving need: for a
#                             server (docs/DEPLOY.md), no test tools
# Idempotent: asks apt only for what is missing, so a second run costs nothing.
# Runs apt as root directly, or through sudo when the caller is not root.
set -euo pipefail

# ca-certificates: npm reaches its registry over TLS (a minimal Debian has none).
BUILD=(
  build-essential pkg-config ca-certificates
  libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev libjansson-dev
  libcsv-dev libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev
  libcairo2-dev libpango1.0-dev fonts-noto-cjk libqrencode-dev
  # the password check; cracklib-runtime builds the dictionary it reads
  # (/var/cache/cracklib), only recommended by libcrack2, so asked for here
  libpwquality-dev cracklib-runtime
)
# curl: the browser tests and benchmarks wait for /health with it;
# python3-yaml: tests/api/test_openapi.py reads docs/openapi.yaml.
TEST=(
  clang libclang-rt-14-dev libcmocka-dev poppler-utils zbar-tools curl
  postgresql postgresql-contrib
  python3-pytest python3-requests python3-openpyxl python3-yaml
  # the API suite runs in parallel: pytest -n 2 --dist loadfile
  python3-pytest-xdist
  # the import tests' other producers of spreadsheets (issue #20)
  python3-xlsxwriter libreoffice-calc-nogui
  chromium
)
# The UI toolchain (vite 6, playwright-core 1.61, pinned in
# web/package-lock.json) runs on Debian 12's own nodejs, 18.20.
NODE_MIN=18.19.0

case "${1:-}" in
  "") PKGS=("${BUILD[@]}" "${TEST[@]}") ;;
  --build) PKGS=("${BUILD[@]}") ;;
  *) echo "usage: scripts/deps.sh [--build]" >&2; exit 2 ;;
esac

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (a newer build); only ask Debian
# for it when there is none at all, since Debian's npm conflicts with such builds.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A node found first on PATH that is older than the toolchain fails later in
# `vite build` with an error that names neither; say it here instead.
v=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if ! dpkg --compare-versions "$v" ge "$NODE_MIN"; then
  echo "deps: $(command -v node) is Node.js $v; the UI build needs $NODE_MIN or newer" >&2
  echo "      (Debian 12's nodejs is 18.20): remove that node or put a newer one first on PATH" >&2
  exit 1
fi
