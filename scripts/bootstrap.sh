#!/usr/bin/env bash
# Installs the Debian 12 (or 13) packages the build, the server and the tests need, if any is
# missing; `--package` and `--tests` add those only packaging or the tests use. Idempotent: does
# nothing (and needs no network) when all are present.
set -euo pipefail

# Boost 1.81 on Debian 12 (as CI), the release's own (1.83) on Debian 13.
boost=1.81
if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = trixie ]; then boost=1.83; fi
packages=(
  cmake ninja-build g++ ccache pkg-config clang-format git
  "libboost$boost-dev" "libboost-json$boost-dev" "libboost-url$boost-dev"
  libpq-dev libssl-dev libfmt-dev catch2 libsqlite3-dev
  postgresql postgresql-client python3
  # The fuzz targets (scripts/fuzz.sh): clang, and libFuzzer with the sanitizer runtimes, which
  # clang only recommends (libclang-rt-dev: libclang-rt-14-dev on Debian 12).
  clang libclang-rt-dev
)
# The tests' Node helpers (tests/oidc, tests/s3sign) run on Node.js >= 18; a node already
# on PATH (e.g. from NodeSource) is used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
# --package: what scripts/package.sh needs (dpkg-shlibdeps finds the library dependencies);
# --tests: that too, the browser the reference page's test drives, and what the package test
# installs into (a Debian root by debootstrap), checks with (lintian, systemd-analyze) and runs
# the installed server against (the tests' Postgres), and boots the root with (systemd-nspawn).
case "${1:-}" in
  --package) packages+=(dpkg-dev file) ;;
  --tests) packages+=(dpkg-dev file chromium debootstrap lintian systemd systemd-container) ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: run as root or install sudo; missing: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
