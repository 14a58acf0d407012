#!/usr/bin/env bash
# Crash safety across every writing command: import, move, delete, purge and recover are
# killed with SIGKILL at random moments, KILLS times. After each kill `recover` runs and then
# `verify` must be clean; no page of a document committed before the kill may be lost or
# doubled (the document is still listed with the same pages, or, when the killed command was
# its own move or delete, under its new student or in the trash; purge only takes documents
# already in the trash); no two documents share a file.
#   kill_anything.sh XUEJI_BIN PAGEGEN_BIN [KILLS]
set -euo pipefail
xueji=$1 gen=$2 kills=${3:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
arc=$work/archive
X() { "$xueji" --show-ids --archive "$arc" "$@"; }
"$xueji" init "$arc" >/dev/null
cat > "$work/roster.csv" <<'CSV'
学籍号,姓名,性别,出生日期,年级,班级
G110108200803151231,欧阳晓雯,女,2008-03-15,2015级,3班
G130602200709210453,王浩然,男,2007/9/21,2015级,3班
CSV
X roster import "$work/roster.csv" >/dev/null
A=G110108200803151231 B=G130602200709210453
"$gen" --out "$work/pages" --stem a --kind 学籍卡 --id $A --name 欧阳晓雯 --seed 5 --skew 1 >/dev/null 2>&1
"$gen" --out "$work/pages" --stem b --kind 成绩单 --id $B --name 王浩然 --seed 6 --skew -1 --jpeg 85 >/dev/null 2>&1
import_cmd="import -q --workers 1 --engine tesseract --allow-duplicate --doctype 学籍卡 $work/pages/a.png $work/pages/b.jpg"
X $import_cmd --student $A >/dev/null
X $import_cmd --student $B >/dev/null

declare -A done_ops=()
for round in $(seq 1 "$kills"); do
  X document list --json > "$work/before.json"
  X document list --deleted --json > "$work/trash_before.json"
  ids=$(python3 -c 'import json,sys; print(" ".join(str(d["id"]) for d in json.load(open(sys.argv[1]))))' "$work/before.json")
  pick() { local a=($ids); [ ${#a[@]} -gt 0 ] && echo "${a[$((RANDOM % ${#a[@]}))]}"; }
  op=$((RANDOM % 10)) id=$(pick || true) target=""
  case $op in
    0|1|2|3) cmd="$import_cmd --student $([ $((RANDOM % 2)) = 0 ] && echo $A || echo $B)"; name=import; delay_max=4000 ;;
    4|5) [ -n "$id" ] || continue
         owner=$(python3 -c 'import json,sys; print([d["student_id"] for d in json.load(open(sys.argv[1])) if d["id"]==int(sys.argv[2])][0])' "$work/before.json" "$id")
         target=$([ "$owner" = $A ] && echo $B || echo $A)
         cmd="document move $id --to $target"; name=move; delay_max=600 ;;
    6|7) [ -n "$id" ] || continue; cmd="document delete $id"; name=delete; delay_max=300 ;;
    8) cmd="document purge"; name=purge; delay_max=300 ;;
    9) cmd="recover"; name=recover; delay_max=300 ;;
  esac
  done_ops[$name]=$(( ${done_ops[$name]:-0} + 1 ))
  setsid bash -c "exec '$xueji' --show-ids --archive '$arc' $cmd >/dev/null 2>&1" &
  pid=$!
  sleep "$(awk -v r=$RANDOM -v m=$delay_max 'BEGIN { printf "%.3f", (r % m) / 1000 }')"
  kill -9 -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  X recover >/dev/null
  if ! X verify > "$work/verify.out"; then
    echo "round $round ($name, killed): verify after recover:"; cat "$work/verify.out"; exit 1
  fi
  X document list --json > "$work/after.json"
  X document list --deleted --json > "$work/trash_after.json"
  python3 - "$work" "$name" "${id:-0}" "$target" "$round" <<'PY'
import json, sys
w, op, id, target, rnd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
load = lambda n: {d["id"]: d for d in json.load(open(f"{w}/{n}.json"))}
before, after, trash_b, trash_a = load("before"), load("after"), load("trash_before"), load("trash_after")
def fail(msg):
    print(f"round {rnd} ({op}, killed): {msg}"); sys.exit(1)
for i, d in before.items():
    if i in after:
        a = after[i]
        if a["pages"] != d["pages"]: fail(f"document {i} has {a['pages']} pages, had {d['pages']}")
        if a["student_id"] != d["student_id"] and not (op == "move" and i == id and a["student_id"] == target):
            fail(f"document {i} changed hands")
    elif i in trash_a and op == "delete" and i == id:
        if trash_a[i]["pages"] != d["pages"]: fail(f"deleted document {i} lost pages")
    else:
        fail(f"committed document {i} is gone")
for i, d in trash_b.items():
    if i not in trash_a and op != "purge": fail(f"document {i} left the trash")
new = [d for i, d in after.items() if i not in before]
if op != "import" and new: fail(f"new documents without an import: {new}")
if len(new) > 1: fail(f"one import gave {len(new)} documents")
if any(d["pages"] != 2 for d in new): fail(f"an import committed part of its pages: {new}")
paths = [d["document"] for d in list(after.values()) + list(trash_a.values())]
if len(paths) != len(set(paths)): fail("two documents share a file")
PY
  [ $((round % 25)) -ne 0 ] || echo "round $round: verify clean"
done
summary=""
for k in "${!done_ops[@]}"; do summary+="$k ${done_ops[$k]}, "; done
echo "$kills kills (${summary%, }); after each: recover, verify clean, no committed page lost or doubled;" \
     "$(X document list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') documents at the end"
