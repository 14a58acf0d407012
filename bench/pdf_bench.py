#!/usr/bin/python3
"""PDF/A size and speed: Xueji against OCRmyPDF on the same pages, in the same run.

Usage: /usr/bin/python3 bench/pdf_bench.py [--pages N] [--build build] [--out DIR] [--json FILE]

For each image class (bilevel, gray, colour) build/bench/pdf_bench generates N pages, cleans
and recognizes them with the real pipeline, times PdfWriter::add_page per page and writes one
document; it saves the masters as embedded (bilevel: 1-bit PNG; gray and colour: the JPEG
Xueji embeds) so that both tools start from the same pixels at the same quality. Then, on
those files:
  - `ocrmypdf -l chi_sim --output-type pdfa` (Debian's OCRmyPDF; the pages joined into one
    input PDF with img2pdf at 300 dpi, which embeds JPEGs as they are)
  - `xueji pdf` (whole pipeline: cleanup, OCR, writer)
and reports bytes per page and ms per page for each, with Xueji/OCRmyPDF ratios.
Both run with OMP_THREAD_LIMIT=1 (Tesseract's own threads off) and may use both cores for pages.
Needs /usr/bin/python3 (Debian's, where img2pdf lives).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import img2pdf


def run(cmd, env):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=5, help="pages per class")
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="/tmp/xueji-pdf-bench")
    ap.add_argument("--json", help="write the results here too")
    a = ap.parse_args()

    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    os.makedirs(a.out, exist_ok=True)
    measured = json.loads(subprocess.run([os.path.join(a.build, "bench", "pdf_bench"), "--pages", str(a.pages),
                                          "--out", a.out], check=True, env=env, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL).stdout)
    xueji = os.path.join(a.build, "cli", "xueji")
    rows = {}
    for cls in ("bilevel", "gray", "colour"):
        d = os.path.join(a.out, cls)
        files = sorted(glob.glob(os.path.join(d, "p[0-9][0-9][0-9].*")))
        n = len(files)
        inp = os.path.join(d, "input.pdf")
        with open(inp, "wb") as f:
            f.write(img2pdf.convert(files, layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
        ocrmypdf_out = os.path.join(d, "ocrmypdf.pdf")
        t_ocrmypdf = run(["ocrmypdf", "-q", "-l", "chi_sim", "--output-type", "pdfa", inp, ocrmypdf_out], env)
        xueji_out = os.path.join(d, "xueji-cli.pdf")
        if os.path.exists(xueji_out):
            os.remove(xueji_out)
        t_xueji = run([xueji, "pdf", *files, "-o", xueji_out], env)
        m = measured[cls]
        rows[cls] = {
            "pages": n,
            "coding": m["coding"],
            "writer_ms_median": round(m["write_ms_median"], 1),
            "writer_bytes_per_page": round(m["bytes_per_page"]),
            "xueji_cli_bytes_per_page": round(os.path.getsize(xueji_out) / n),
            "xueji_cli_ms_per_page": round(1000 * t_xueji / n),
            "ocrmypdf_bytes_per_page": round(os.path.getsize(ocrmypdf_out) / n),
            "ocrmypdf_ms_per_page": round(1000 * t_ocrmypdf / n),
        }
        r = rows[cls]
        # Same image bytes in both files: the writer's document against OCRmyPDF's.
        r["size_ratio"] = round(r["writer_bytes_per_page"] / r["ocrmypdf_bytes_per_page"], 3)
        r["time_ratio"] = round(r["xueji_cli_ms_per_page"] / r["ocrmypdf_ms_per_page"], 3)

    print(f"{'class':8} {'pages':>5} {'coding':>14} {'write ms':>9} {'Xueji B/page':>13} {'xueji pdf B/page':>16} {'OCRmyPDF B/page':>16}"
          f" {'size ratio':>10} {'Xueji ms/page':>14} {'OCRmyPDF ms/page':>17} {'time ratio':>10}")
    for cls, r in rows.items():
        coding = ",".join(f"{k}x{v}" for k, v in r["coding"].items())
        print(f"{cls:8} {r['pages']:>5} {coding:>14} {r['writer_ms_median']:>9} {r['writer_bytes_per_page']:>13} {r['xueji_cli_bytes_per_page']:>16}"
              f" {r['ocrmypdf_bytes_per_page']:>16} {r['size_ratio']:>10} {r['xueji_cli_ms_per_page']:>14}"
              f" {r['ocrmypdf_ms_per_page']:>17} {r['time_ratio']:>10}")
    print("Xueji B/page: the writer's document of exactly the images OCRmyPDF got (size ratio = this / OCRmyPDF);")
    print("xueji pdf B/page: `xueji pdf` on those files (its cleanup may re-encode a JPEG it straightens).")
    print("write ms: PdfWriter::add_page median (image encoding, text layer, copy to disk) given image and OcrPage;")
    print("ms/page: whole command (cleanup + OCR + PDF for Xueji; OCR + PDF/A for OCRmyPDF) over the class's pages.")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
