#!/usr/bin/env bash
# Capture does not wait for OCR: the same ADF run of the SANE `test` device (10 sheets, A4-sized
# area, 300 dpi gray, a read delay standing in for the device's mechanical pace) is scanned
# (1) into the journal only and (2) into a document, with cleanup and OCR running on the pages
# while the feeder runs. Prints the seconds at which each page was journaled in both runs; if
# capture waited for recognition, run (2)'s pages would arrive later than run (1)'s.
#   bash bench/scan_pace.sh [build] [read-delay-us]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DELAY=${2:-40000}
export SANE_CONFIG_DIR=$PWD/tests/sane OMP_THREAD_LIMIT=1
X=$BUILD/cli/xueji
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
$X init "$W/a" >/dev/null
ID=G110108200803151231  # from samples/roster.csv
$X roster import --archive "$W/a" samples/roster.csv >/dev/null
OPTS=(--device test --source adf --mode gray --dpi 300 --height-mm 200 --width-mm 200 --set "test-picture=Color pattern"
      --set read-limit=yes --set read-limit-size=65536 --set read-delay=yes --set read-delay-duration=$DELAY)
echo "run 1: capture only"
$X scan --quiet --json --archive "$W/a" "${OPTS[@]}" --job only > "$W/1.json"
echo "run 2: capture + cleanup + OCR + PDF (workers = cores)"
$X scan --quiet --json --archive "$W/a" "${OPTS[@]}" --job doc --student $ID --doctype 学籍卡 > "$W/2.json"
python3 - "$W/1.json" "$W/2.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print('page  journaled at (s): capture only   with OCR running')
for i, (x, y) in enumerate(zip(a['page_journaled_at'], b['page_journaled_at']), 1):
    print(f'{i:>4}  {x:>33.2f}  {y:>16.2f}')
print(f'capture time: {a["capture_seconds"]:.2f} s alone, {b["capture_seconds"]:.2f} s with OCR running '
      f'(ratio {b["capture_seconds"] / a["capture_seconds"]:.2f}); document committed at {b["total_seconds"]:.2f} s')
PY
