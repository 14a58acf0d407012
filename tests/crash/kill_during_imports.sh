#!/usr/bin/env bash
# Crash safety: imports are killed with SIGKILL at random moments, 20 times over at least 50
# import attempts. After every kill the catalog must open, every committed document must have
# all its files with matching SHA-256, and the only findings allowed are files the catalog
# does not know, which `xueji recover` (the documented clean-up) must remove so that
# `xueji verify` is clean again.
#   kill_during_imports.sh XUEJI_BIN PAGEGEN_BIN [KILLS] [MIN_IMPORTS]
set -euo pipefail
xueji=$1 gen=$2 kills=${3:-20} min_imports=${4:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
arc=$work/archive
"$xueji" init "$arc" >/dev/null
cat > "$work/roster.csv" <<'CSV'
学籍号,姓名,性别,出生日期,年级,班级
G110108200803151231,欧阳晓雯,女,2008-03-15,2015级,3班
G130602200709210453,王浩然,男,2007/9/21,2015级,3班
CSV
"$xueji" --archive "$arc" roster import "$work/roster.csv" >/dev/null
"$gen" --out "$work/pages" --stem a --kind 学籍卡 --id G110108200803151231 --name 欧阳晓雯 --seed 5 --skew 1 >/dev/null 2>&1
"$gen" --out "$work/pages" --stem b --kind 成绩单 --id G130602200709210453 --name 王浩然 --seed 6 --skew -1 --jpeg 85 >/dev/null 2>&1

attempts=0
for round in $(seq 1 "$kills"); do
  # A batch of imports in its own process group, killed at a random moment.
  setsid bash -c "
    for k in 1 2 3 4; do
      echo x >> '$work/attempts'
      '$xueji' --archive '$arc' import -q --student G110108200803151231 --doctype 学籍卡 '$work/pages/a.png' '$work/pages/b.jpg' >/dev/null 2>&1 || true
    done" &
  pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 3200) / 1000 }')"
  kill -9 -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  # The catalog opens; committed documents are whole; only unknown files may be reported.
  if ! out=$("$xueji" --archive "$arc" verify --json); then
    if echo "$out" | python3 -c 'import json,sys; f=json.load(sys.stdin); sys.exit(0 if all(x["kind"]=="unexpected" for x in f) else 1)'; then
      echo "round $round: $(echo "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') leftover files after the kill"
    else
      echo "round $round: DAMAGE after kill: $out"; exit 1
    fi
  fi
  "$xueji" --archive "$arc" recover >/dev/null
  if ! "$xueji" --archive "$arc" verify >/dev/null; then
    echo "round $round: verify still reports findings after recover"; "$xueji" --archive "$arc" verify; exit 1
  fi
done
attempts=$(wc -l < "$work/attempts")
committed=$("$xueji" --archive "$arc" document list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# Top up to the minimum number of import attempts, without kills, and check once more.
while [ "$attempts" -lt "$min_imports" ]; do
  "$xueji" --archive "$arc" import -q --student G130602200709210453 --doctype 成绩单 "$work/pages/b.jpg" >/dev/null
  attempts=$((attempts + 1))
done
"$xueji" --archive "$arc" verify >/dev/null
echo "$kills kills over $attempts import attempts; $committed documents committed before the top-up; archive verified"
