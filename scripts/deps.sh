#!/usr/bin/env bash
# Installs the Debian packages guanai needs to build, run and test.
# Idempotent: asks apt only for what is missing, so a second run costs nothing.
# Runs apt as root directly, or through sudo when the caller is not root.
set -euo pipefail

PKGS=(
  build-essential pkg-config clang libclang-rt-14-dev
  libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev libjansson-dev
  libcsv-dev libcmocka-dev libxlsxwriter-dev libzip-dev libexpat1-dev
  libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
  libqrencode-dev zbar-tools
  # the password check; cracklib-runtime builds the dictionary it reads
  # (/var/cache/cracklib), only recommended by libcrack2, so asked for here
  libpwquality-dev cracklib-runtime
  postgresql postgresql-contrib
  python3-pytest python3-requests python3-openpyxl
  # the import tests' other producers of spreadsheets (issue #20)
  python3-xlsxwriter libreoffice-calc-nogui
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (a newer build); only ask Debian
# for it when there is none at all, since Debian's npm conflicts with such builds.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
