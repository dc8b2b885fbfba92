#!/usr/bin/env bash
# Installs the Debian packages Tarjotin needs to build, run and test, and the
# browser-test npm packages.  Idempotent and quick when everything is there:
# `apt-get update` runs only when something must be installed.
#
#   scripts/deps.sh            everything for make run / make test / make bench
#   scripts/deps.sh --check    list what is missing, install nothing
#   scripts/deps.sh --fuzz     only what `make fuzz` needs: the build packages,
#                              clang and its libFuzzer/sanitizer runtimes
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PACKAGES=(
  gcc make libc6-dev pkg-config git ca-certificates
  libmicrohttpd-dev libzmq3-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev
  libhiredis-dev libcurl4-openssl-dev libjansson-dev libsodium-dev libcmocka-dev zlib1g-dev
  libcjose-dev libxlsxwriter-dev
  # the search's morphology: Voikko with its Finnish dictionary, Snowball, SQLite FTS5
  libvoikko-dev voikko-fi libstemmer-dev libsqlite3-dev
  # the search's items, compressed in memory with a shared dictionary
  liblz4-dev
)
PACKAGES=(
  # build
  "${BUILD_PACKAGES[@]}"
  # run: private PostgreSQL and Redis, the mail catcher
  postgresql-15 redis-server python3 python3-aiosmtpd curl procps util-linux
  # test and bench: browser, load generator, reference web server, metrics checker
  chromium fonts-dejavu-core nodejs npm nginx-light wrk prometheus
  # the C layout is checked by make test
  clang-format
  # deployment files are validated offline
  docker-compose python3-yaml
  # the statistics export test reads the XLSX back with a reader other than ours
  python3-openpyxl
)

# make fuzz: Debian's clang 14 with libFuzzer and the sanitizer runtimes;
# nothing else (no npm), and make test / make run never need it.
if [[ ${1:-} == --fuzz ]]; then
  PACKAGES=("${BUILD_PACKAGES[@]}" clang libclang-rt-14-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  # nodejs from another source (NodeSource) also provides node and npm.
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == nginx-light ]] && command -v nginx >/dev/null; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if [[ ${1:-} == --check ]]; then
  printf '%s\n' "${missing[@]}"
  exit 0
fi

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then
    echo "deps: not root; run as root or install these packages first" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ ${1:-} == --fuzz ]] && exit 0

# npm packages of the browser tests (playwright-core, axe-core), the system
# tests (JSON Schema and OpenAPI validators) and the development OpenID
# provider (deploy/oidc-dev: oidc-provider), each pinned by its folder's
# package-lock.json, installed into an ignored node_modules; again only when
# the lock file changed.
npm_install() {
  local dir=$1 stamp=$1/node_modules/.lock-stamp
  [[ -f $dir/package-lock.json ]] || return 0
  if [[ ! -f $stamp ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "deps: installing $dir packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install tests/browser
npm_install tests/system
npm_install deploy/oidc-dev
# Chart.js for the statistics dashboard, served by the gateway under /vendor/
npm_install services/gateway/vendor
