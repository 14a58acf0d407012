#!/usr/bin/env bash
# Times Xueji's cleanup against unpaper (Debian package, default filters) on the same pages,
# one core: the first PAGES pages of the cleanup acceptance set (generated, all degradations,
# A4 at 300 dpi), converted to 8-bit gray PGM. Prints seconds per page for unpaper (whole
# process), for `xueji clean` (whole process: load, analysis, master, OCR image, PNG writes,
# and the OCR orientation check where the layout analysis was unsure), and for Xueji's cleanup
# computation alone on the same pages (no file I/O, no OCR check), with the ratios.
#   bash bench/cleanup_vs_unpaper.sh [PAGES]   (run from the repository, after a build)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-4}
command -v unpaper >/dev/null || { echo "unpaper is not installed (apt-get install unpaper)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/tests/pagegen/xueji-pagegen --out "$work/gen" --mixed "$pages" --seed 7 >/dev/null 2>&1
# unpaper reads PNM: the same pages as 8-bit gray PGM.
i=0
for f in "$work"/gen/page-*.png "$work"/gen/page-*.jpg; do
  [ -e "$f" ] || continue
  i=$((i + 1))
  build/bench/to_pgm "$f" "$work/p$i.pgm"
done
mkdir -p "$work/unpaper" "$work/xueji"
t0=$(date +%s.%N)
for f in "$work"/p*.pgm; do taskset -c 0 unpaper --overwrite -q "$f" "$work/unpaper/$(basename "$f")" 2>/dev/null; done
t1=$(date +%s.%N)
for f in "$work"/p*.pgm; do
  b=$(basename "$f" .pgm)
  taskset -c 0 build/cli/xueji clean "$f" -o "$work/xueji/$b.png" --ocr-image "$work/xueji/$b-ocr.png" >/dev/null
done
t2=$(date +%s.%N)
ls "$work"/unpaper/*.pgm >/dev/null  # unpaper wrote its pages
# Xueji's cleanup computation on the same pages (median of the pages, best of three each).
compute_ms=$(taskset -c 0 build/bench/cleanup_files "$work"/p*.pgm)
python3 - "$pages" "$t0" "$t1" "$t2" "$compute_ms" <<'PY'
import sys
n, t0, t1, t2, c = int(sys.argv[1]), *map(float, sys.argv[2:])
u, x = (t1 - t0) / n, (t2 - t1) / n
print(f"pages: {n} (gray A4, 300 dpi, one core)")
print(f"unpaper (whole process): {u:.3f} s/page")
print(f"xueji clean (whole process): {x:.3f} s/page   ratio {u / x:.1f}x")
print(f"xueji cleanup computation on the same pages (median): {c:.1f} ms/page   ratio {u * 1000 / c:.1f}x")
PY
