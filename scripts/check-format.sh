#!/usr/bin/env bash
# Fails when a C++ source differs from .clang-format (run by ctest as `format_check`).
# Fix with: clang-format -i $(git ls-files '*.cpp' '*.hpp')
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find libs apps tests migrations -name '*.[ch]pp')
clang-format --dry-run --Werror "${files[@]}"
