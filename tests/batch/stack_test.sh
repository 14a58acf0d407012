#!/usr/bin/env bash
# A generated stack through `xueji batch import`, scored by check_batch.py.
#   stack_test.sh XUEJI PAGEGEN text|sheets STUDENTS MIN_RIGHT [SEED]
# sheets: every page to the right student and document type, every sheet found, the students
# without pages reported. text: at least MIN_RIGHT of the pages right, none to a wrong student.
set -euo pipefail
xueji=$1 gen=$2 mode=$3 students=$4 min_right=$5 seed=${6:-11}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
extra=()
[ "$mode" = sheets ] && extra=(--sheets)
python3 "$here/make_stack.py" "$xueji" "$gen" "$work/st" --students "$students" --seed "$seed" --no-pages-for 2 "${extra[@]}"
"$xueji" init "$work/arc" >/dev/null
"$xueji" --archive "$work/arc" roster import "$work/st/roster.csv" >/dev/null
start=$(date +%s)
"$xueji" --archive "$work/arc" batch import "$work/st/stack" --grade 2023级 --split "$mode" --job b --workers 2 --progress none
echo "batch import took $(( $(date +%s) - start )) s"
checks=()
[ "$mode" = sheets ] && checks=(--check-types)
python3 "$here/check_batch.py" "$xueji" "$work/arc" b "$work/st/truth.json" --min-right "$min_right" "${checks[@]}"
"$xueji" --archive "$work/arc" verify >/dev/null
