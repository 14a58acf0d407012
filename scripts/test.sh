#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test through CTest; then builds the unit
# tests with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/, -DXUEJI_SANITIZE=ON)
# and runs them (label "unit"): any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 900)

echo "test.sh: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
start=$(date +%s)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXUEJI_SANITIZE=ON -DXUEJI_BUILD_BENCH=OFF >/dev/null
# The unit tests only (ocr_test is left out: 2.5 minutes without sanitizers, and it needs the
# OCR and pipeline libraries built again).
cmake --build build-asan --parallel "$(nproc)" --target models_test capture_test archive_test indexer_test
# Third-party leaks only, each explained in the file; no ASan or UBSan report is suppressed.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
(cd build-asan && ctest -L unit --output-on-failure --parallel "$(nproc)" --timeout 900)
echo "test.sh: sanitizer run took $(( $(date +%s) - start )) s"
