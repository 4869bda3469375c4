#!/usr/bin/env bash
# Fails when a C++ source differs from .clang-format (run by ctest as `format_check`).
# Fix with: clang-format -i $(git ls-files '*.cpp' '*.hpp')
# The tree is formatted by clang-format 14 (Debian 12's, as CI); other major versions lay some
# constructs out differently (requires-clauses, lambdas in calls), so with one of those the check
# exits 77, which ctest reports as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
major=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
if [ "$major" != 14 ]; then
  echo "format_check: skipped: clang-format $major is not the tree's formatter (14)"
  exit 77
fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find libs apps tests migrations -name '*.[ch]pp')
clang-format --dry-run --Werror "${files[@]}"
