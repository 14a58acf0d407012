#!/usr/bin/env bash
# Many hands on one archive: 8 importers (the same student and type, and others) and 2
# maintenance callers (recover in a loop; delete + purge of one student's documents in a loop)
# run against one archive for SECONDS. Every command must either commit whole or fail with a
# clear message ("xueji: error: ..."); afterwards `verify` is clean and every document an
# importer was told it committed is present (unless the maintenance caller deleted it, which is
# only ever done to the third student's documents), byte for byte (verify re-hashes every file).
#   many_hands.sh XUEJI_BIN PAGEGEN_BIN [SECONDS]
set -euo pipefail
xueji=$1 gen=$2 seconds=${3:-120}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
arc=$work/archive
"$xueji" init "$arc" >/dev/null
cat > "$work/roster.csv" <<'CSV'
学籍号,姓名,性别,出生日期,年级,班级
G110108200803151231,欧阳晓雯,女,2008-03-15,2015级,3班
G130602200709210453,王浩然,男,2007/9/21,2015级,3班
G330106201108181714,李想,男,2011-08-18,2018级,1班
CSV
"$xueji" --archive "$arc" roster import "$work/roster.csv" >/dev/null
A=G110108200803151231 B=G130602200709210453 C=G330106201108181714
"$gen" --out "$work/pages" --stem a --kind 学籍卡 --id $A --name 欧阳晓雯 --seed 5 --skew 1 >/dev/null 2>&1
"$gen" --out "$work/pages" --stem b --kind 成绩单 --id $B --name 王浩然 --seed 6 --skew -1 --jpeg 85 >/dev/null 2>&1
end=$(( $(date +%s) + seconds ))
export XUEJI_LOCK_WAIT=600

importer() {  # importer N STUDENT TYPE
  local n=$1 student=$2 type=$3 out err
  while [ "$(date +%s)" -lt "$end" ]; do
    if out=$("$xueji" --show-ids --archive "$arc" import -q --workers 1 --engine tesseract --allow-duplicate \
               --student "$student" --doctype "$type" "$work/pages/a.png" "$work/pages/b.jpg" 2>"$work/err.$n"); then
      echo "$student $out" >> "$work/committed.$n"
    else
      err=$(cat "$work/err.$n")
      case "$err" in
        "xueji: error: "*) echo "$err" >> "$work/failed.$n" ;;
        *) echo "importer $n: failure without a clear message: '$err'" >> "$work/unclear" ;;
      esac
    fi
  done
}
maintenance_recover() {
  while [ "$(date +%s)" -lt "$end" ]; do
    "$xueji" --archive "$arc" recover > "$work/recover.out" 2>"$work/recover.err" ||
      { echo "recover failed: $(cat "$work/recover.err")" >> "$work/unclear"; }
    sleep 0.5
  done
}
maintenance_purge() {
  local id
  while [ "$(date +%s)" -lt "$end" ]; do
    id=$("$xueji" --archive "$arc" document list --student $C --json |
         python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["id"] if d else "")')
    if [ -n "$id" ]; then
      "$xueji" --archive "$arc" document delete "$id" >/dev/null 2>"$work/purge.err" ||
        grep -q "^xueji: error: " "$work/purge.err" || echo "delete failed unclearly: $(cat "$work/purge.err")" >> "$work/unclear"
      echo "$id" >> "$work/deleted"
    fi
    "$xueji" --archive "$arc" document purge >/dev/null 2>"$work/purge.err" ||
      echo "purge failed: $(cat "$work/purge.err")" >> "$work/unclear"
    sleep 1
  done
}

importer 1 $A 体检表 & importer 2 $A 体检表 & importer 3 $A 体检表 &
importer 4 $A 学籍卡 & importer 5 $B 成绩单 & importer 6 $B 体检表 &
importer 7 $C 其他 & importer 8 $C 其他 &
maintenance_recover & maintenance_purge &
wait

if [ -s "$work/unclear" ]; then echo "FAILED: unclear failures:"; cat "$work/unclear"; exit 1; fi
"$xueji" --archive "$arc" verify > "$work/verify.out" || { echo "FAILED: verify after the run:"; cat "$work/verify.out"; exit 1; }
cat "$work"/committed.* > "$work/committed" 2>/dev/null || true
"$xueji" --show-ids --archive "$arc" document list --json > "$work/list.json"
python3 - "$work/committed" "$work/list.json" "$C" <<'PY'
import json, sys
committed = [l.split() for l in open(sys.argv[1]) if l.strip()]
listed = {d["document"]: d for d in json.load(open(sys.argv[2]))}
victim = sys.argv[3]
lost = [p for s, p in committed if s != victim and p not in listed]
if lost:
    print("FAILED: committed documents missing:", lost); sys.exit(1)
paths = [d["document"] for d in listed.values()]
if len(paths) != len(set(paths)):
    print("FAILED: two documents share a file"); sys.exit(1)
bad = [d for d in listed.values() if d["pages"] != 2]
if bad:
    print("FAILED: documents with pages lost or doubled:", bad); sys.exit(1)
PY
failed=$( (cat "$work"/failed.* 2>/dev/null || true) | wc -l)  # no failed.* files: none failed
echo "$seconds s, 8 importers and 2 maintenance callers: $(wc -l < "$work/committed") imports committed," \
     "$failed failed with a clear message, $(wc -l < "$work/deleted" 2>/dev/null || echo 0) deleted and purged;" \
     "every committed document present, verify clean"
if [ "$failed" -gt 0 ]; then cat "$work"/failed.* | sort | uniq -c | head -5; fi
