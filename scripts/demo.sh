#!/usr/bin/env bash
# The main job on bundled sample data: install, build, then create an archive, import the
# roster, import scanned pages of three students as searchable PDF/A, and search them.
# Safe to run again: it starts from a fresh demo archive each time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

xueji=build/cli/xueji
archive=build/demo-archive
pages=samples/pages
rm -rf "$archive"
export XUEJI_ARCHIVE="$archive"

set -x
"$xueji" init "$archive"
"$xueji" roster import samples/roster.csv
"$xueji" import -q --student G110108200803151231 --doctype 学籍卡 "$pages/ouyang-xiaowen-xueji-ka.jpg"
"$xueji" import -q --student G110108200803151231 --doctype 成绩单 "$pages/ouyang-xiaowen-chengji-1.jpg"
"$xueji" import -q --student G130602200709210453 --doctype 毕业生登记表 "$pages/wang-haoran-biye.jpg"
"$xueji" import -q --student G370102200801023180 --doctype 体检表 "$pages/li-siyuan-tijian.jpg"
"$xueji" search 晓雯
"$xueji" search 海淀区      # the school name on the 学籍卡, read by the PP-OCR recognizer
"$xueji" search 数学 --limit 5
"$xueji" search --json 视力
set +x

echo
echo "Demo archive: $(cd "$archive" && pwd)"
echo "PDF files:"
find "$archive" -name '*.pdf' | sort | sed 's/^/  /'
