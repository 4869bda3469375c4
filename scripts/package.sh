#!/usr/bin/env bash
# Builds the Debian package of the three programs: a Release build without the tests, then
# `cpack -G DEB` (cmake/Packaging.cmake). Prints the path of the .deb.
#   scripts/package.sh            # into build-package/ (BUILD_DIR to change it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-package}
"$root/scripts/bootstrap.sh" --package
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGNITION_TESTS=OFF >/dev/null
cmake --build "$build" --parallel 2
(cd "$build" && cpack -G DEB >/dev/null 2>&1) || (cd "$build" && cpack -G DEB)
ls "$build"/ignition-api_*.deb
