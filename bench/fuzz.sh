#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/, clang, -DXUEJI_FUZZ=ON) and runs each for a time or
# a number of executions, starting from the committed seeds (tests/fuzz/corpus/<target>/, copied:
# the committed corpus is never changed). Prints per target the executions, execs/s, findings
# (crashes, leaks, timeouts, out-of-memory) and the corpus size; exits 1 on any finding, whose
# input is kept in build-fuzz/fuzz-work/<target>/ (turn it into a regression test: README).
#
#   bench/fuzz.sh [--time SECONDS | --runs N] [--no-build] [--make-seeds] [TARGET...]
#   TARGET: roster search_query image_loader pdfa_check (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60 runs="" build=1 make_seeds=0 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; runs=""; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --make-seeds) make_seeds=1; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    roster|search_query|image_loader|pdfa_check) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(roster search_query image_loader pdfa_check)

out=build-fuzz
if [ "$build" = 1 ]; then
  cmake -S . -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DXUEJI_FUZZ=ON -DXUEJI_BUILD_TESTS=OFF -DXUEJI_BUILD_BENCH=OFF >/dev/null
  cmake --build "$out" --parallel 2 --target fuzz_make_seeds $(printf '%s_fuzz ' "${targets[@]}")
fi
if [ "$make_seeds" = 1 ]; then
  "$out/tests/fuzz/fuzz_make_seeds" tests/fuzz/corpus
  exit 0
fi

# Per target: the longest input tried. Decoding needs room and time under ASan, but the image
# target refuses anything above 1 MP before decoding (tests/fuzz/image_loader_fuzz.cpp).
max_len() {
  case "$1" in
    search_query) echo 2048 ;;  # past the parser's 1000-character limit
    roster) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
status=0
printf '%-13s %12s %8s %8s %9s %7s %5s %8s %7s\n' target executions seconds exec/s crashes leaks timeouts ooms corpus
for t in "${targets[@]}"; do
  work="$out/fuzz-work/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  start=$(date +%s)
  "$out/tests/fuzz/${t}_fuzz" "${limit[@]}" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log.txt" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))
  stat() { sed -n "s/^stat::$1: *//p" "$work/log.txt" | tail -1; }
  count() { find "$work" -maxdepth 1 -name "$1-*" | wc -l; }
  crashes=$(count crash) leaks=$(count leak) timeouts=$(count timeout) ooms=$(count oom)
  printf '%-13s %12s %8s %8s %9s %7s %5s %8s %7s\n' "$t" "$(stat number_of_executed_units)" "$elapsed" \
    "$(stat average_exec_per_sec)" "$crashes" "$leaks" "$timeouts" "$ooms" "$(find "$work/corpus" -type f | wc -l)"
  if [ $((crashes + leaks + timeouts + ooms)) -gt 0 ] || ! grep -q '^stat::number_of_executed_units' "$work/log.txt"; then
    status=1
    echo "  finding: $(grep -m1 -E 'ERROR: |SUMMARY: |runtime error' "$work/log.txt" || echo 'see log')" >&2
    echo "  log and input: $work/" >&2
  fi
done
exit "$status"
