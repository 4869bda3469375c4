#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (docs/security.md, "Fuzzing"), in a clang build of their own:
# build-fuzz, every library instrumented for libFuzzer with AddressSanitizer and
# UndefinedBehaviorSanitizer, only the fuzz targets and what they link built.
#
#   scripts/fuzz.sh smoke [seconds]        every target for a short slice (default 20 s each), as ctest
#                                          runs it (fuzz_smoke)
#   scripts/fuzz.sh run <target> [seconds] one target (default 1800 s), e.g. `run sigv4 1800`
#   scripts/fuzz.sh build                  the build only
#   scripts/fuzz.sh list                   the targets
#
# A run starts from the seed corpus in fuzz/corpus/<target> and keeps what it finds in
# build-fuzz/corpus/<target> (the seeds stay as they are); a crash leaves its input in
# build-fuzz/crashes/<target>/ and fails the script. Extra libFuzzer flags: FUZZ_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=(http_request cookies range json_body d1_convert sigv4)

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

build_targets() {
  local cc=${FUZZ_CC:-clang} cxx=${FUZZ_CXX:-clang++}
  command -v "$cxx" >/dev/null || { echo "fuzz: $cxx not found (scripts/bootstrap.sh installs clang)" >&2; exit 1; }
  # -O1 and line tables: fast enough to fuzz, readable stacks. No tests: the fuzz build needs no Catch2.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DIGNITION_FUZZ=ON -DIGNITION_TESTS=OFF -DIGNITION_SANITIZE=OFF -DIGNITION_WERROR=OFF >/dev/null
  cmake --build "$build" --target fuzz --parallel "${FUZZ_JOBS:-2}"
}

# run_target <target> <seconds>: libFuzzer on the target's corpus for that long; fails on a crash.
run_target() {
  local target=$1 seconds=$2
  local seeds="$root/fuzz/corpus/$target" corpus="$build/corpus/$target" crashes="$build/crashes/$target"
  [ -x "$build/fuzz/${target}_fuzzer" ] || { echo "fuzz: no target $target (scripts/fuzz.sh list)" >&2; exit 2; }
  mkdir -p "$corpus" "$crashes"
  local dict=()
  [ -f "$root/fuzz/$target.dict" ] && dict=(-dict="$root/fuzz/$target.dict")
  echo "fuzz: $target for ${seconds}s"
  # The seeds are read, never written: new inputs go to the build's corpus, listed first.
  # A slow input (over 10 s) or one needing over 2 GB is a finding too.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/fuzz/${target}_fuzzer" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 ${FUZZ_FLAGS:-} "$corpus" "$seeds"
}

case "${1:-}" in
  build) build_targets ;;
  list) printf '%s\n' "${targets[@]}" ;;
  smoke)
    seconds=${2:-20}
    build_targets
    for target in "${targets[@]}"; do run_target "$target" "$seconds"; done
    ;;
  run)
    [ $# -ge 2 ] || usage
    build_targets
    run_target "$2" "${3:-1800}"
    ;;
  *) usage ;;
esac
