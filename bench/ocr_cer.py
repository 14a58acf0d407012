#!/usr/bin/env python3
"""Character error rate of Xueji's OCR against raw Tesseract on the same generated pages.

  python3 bench/ocr_cer.py [--pages N] [--seed S]   (after a build; needs the tesseract CLI)

Both read the same degraded page images from the test generator (all kinds and degradations);
the reference is the generator's exact text. CER = Levenshtein distance over characters after
NFKC and removing all whitespace, divided by the reference length. Blank pages are skipped.
Raw Tesseract runs as `tesseract IMAGE - -l chi_sim` (its default page segmentation, one
thread); Xueji runs `xueji ocr` (cleanup, then chi_sim on the OCR image).
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time, unicodedata

def norm(s):
    return ''.join(unicodedata.normalize('NFKC', s).split())

def lev(a, b):
    if not a: return len(b)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pages', type=int, default=20)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--build', default='build')
    a = ap.parse_args()
    env = dict(os.environ, OMP_THREAD_LIMIT='1')
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([f'{a.build}/tests/pagegen/xueji-pagegen', '--out', f'{work}/pages', '--mixed', str(a.pages),
                        '--seed', str(a.seed)], check=True, capture_output=True)
        rows = []
        for truth_file in sorted(glob.glob(f'{work}/pages/page-*.json')):
            truth = json.load(open(truth_file))
            stem = truth_file[:-5]
            image = next(p for p in (stem + '.png', stem + '.jpg') if os.path.exists(p))
            if truth['blank']:
                continue
            ref = norm(truth['text'])
            t0 = time.time()
            raw = subprocess.run(['tesseract', image, '-', '-l', 'chi_sim'], capture_output=True, text=True, env=env).stdout
            t_raw = time.time() - t0
            t0 = time.time()
            subprocess.run([f'{a.build}/cli/xueji', 'ocr', image, '--out', f'{work}/out'], check=True, capture_output=True, env=env)
            t_x = time.time() - t0
            ours = open(f'{work}/out/{os.path.basename(stem)}.txt').read()
            rows.append((truth['kind'], truth['seal'], lev(ref, norm(raw)) / len(ref), lev(ref, norm(ours)) / len(ref), t_raw, t_x, len(ref)))
    def cer(sel, k):
        sel = list(sel)
        return sum(r[k] * r[6] for r in sel) / max(1, sum(r[6] for r in sel))
    print(f'pages: {len(rows)} text pages (seed {a.seed})')
    print(f'{"set":<16}{"raw tesseract CER":>20}{"xueji CER":>12}')
    print(f'{"all":<16}{cer(rows, 2):>20.3f}{cer(rows, 3):>12.3f}')
    for kind in sorted({r[0] for r in rows}):
        sel = [r for r in rows if r[0] == kind]
        print(f'{kind:<16}{cer(sel, 2):>20.3f}{cer(sel, 3):>12.3f}')
    for seal in (True, False):
        sel = [r for r in rows if r[1] == seal]
        print(f'{"seal" if seal else "no seal":<16}{cer(sel, 2):>20.3f}{cer(sel, 3):>12.3f}')
    print(f'seconds/page (whole process): raw tesseract {sum(r[4] for r in rows) / len(rows):.2f}, '
          f'xueji ocr {sum(r[5] for r in rows) / len(rows):.2f}')

if __name__ == '__main__':
    sys.exit(main())
