#!/usr/bin/env python3
"""OCR benchmark: raw Tesseract against Xueji's pipeline on the same generated pages, in one run.

  python3 bench/ocr_bench.py [--pages 100] [--seed 11] [--memory-pages 500] [--json OUT]

Pages come from the test generator (`xueji-pagegen --mixed N --seal-twins`): all five kinds,
skew, quarter turns, scanner borders, noise, blur, JPEG, uneven light, red seals, punch holes,
blank pages. The reference is the generator's exact text in reading order (lines top to
bottom, table cells row by row). CER = Levenshtein distance over characters after NFKC and
removing all whitespace, divided by the reference length, summed over pages.

Measured, all with one OpenMP thread per Tesseract (OMP_THREAD_LIMIT=1):
- raw: `tesseract PAGE - -l chi_sim` on the raw page (its defaults), CER and seconds per page
  (whole process, so including its ~0.3 s start-up; stated separately);
- Xueji: `xueji ocr PAGES... --workers 1` in one process: CER, seconds per page;
- seal effect: every sealed page is also generated without its seal ("twin"); CER of the sealed
  pages against their twins;
- spurious 一 丨 口 | from ruling lines: characters in the output beyond the reference's count;
- overhead (bench/ocr_pipeline_bench overhead): Xueji's OCR work per page (OCR-image preparation,
  recognition, orientation check, result clean-up) against a plain TessBaseAPI recognizing the
  same OCR image, page segmentation 3 (Tesseract's default) and 6;
- throughput of `xueji ocr` with 1 and 2 workers on the same pages (wall clock);
- memory: resident set size every 100 pages over --memory-pages pages with 1 and 2 workers.
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

RULE_CHARS = '一丨口|'

def spurious(ref, hyp):
    return sum(max(0, hyp.count(c) - ref.count(c)) for c in RULE_CHARS)

def cer(rows, key):
    n = sum(r['len'] for r in rows)
    return sum(r[key] for r in rows) / max(1, n)

def run_wall(cmd, env):
    t0 = time.time()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.time() - t0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pages', type=int, default=100)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--memory-pages', type=int, default=500)
    ap.add_argument('--build', default='build')
    ap.add_argument('--json', help='also write the figures here')
    a = ap.parse_args()
    env = dict(os.environ, OMP_THREAD_LIMIT='1')
    xueji = f'{a.build}/cli/xueji'
    out = {}
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([f'{a.build}/tests/pagegen/xueji-pagegen', '--out', f'{work}/pages', '--mixed', str(a.pages),
                        '--seed', str(a.seed), '--seal-twins'], check=True, capture_output=True)
        def image(stem):
            return next(p for p in (stem + '.png', stem + '.jpg') if os.path.exists(p))
        mains = sorted(glob.glob(f'{work}/pages/page-*.json'))
        twins = sorted(glob.glob(f'{work}/pages/twin-*.json'))
        main_images = [image(t[:-5]) for t in mains]
        twin_images = [image(t[:-5]) for t in twins]

        # Xueji, one process over all pages, one worker; then two workers on the same pages.
        t1 = run_wall([xueji, 'ocr', *main_images, '--out', f'{work}/x1', '--workers', '1'], env)
        t2 = run_wall([xueji, 'ocr', *main_images, '--out', f'{work}/x2', '--workers', '2'], env)
        subprocess.run([xueji, 'ocr', *twin_images, '--out', f'{work}/xt', '--workers', '2'], check=True,
                       capture_output=True, env=env)

        rows, raw_times = [], []
        for truth_file, img in zip(mains + twins, main_images + twin_images):
            truth = json.load(open(truth_file))
            if truth['blank']:
                continue
            stem = os.path.basename(truth_file)[:-5]
            twin = stem.startswith('twin-')
            ref = norm(truth['text'])
            t0 = time.time()
            raw = subprocess.run(['tesseract', img, '-', '-l', 'chi_sim'], capture_output=True, text=True, env=env).stdout
            if not twin:
                raw_times.append(time.time() - t0)
            ours = open(f'{work}/{"xt" if twin else "x1"}/{stem}.txt').read()
            rows.append({'stem': stem, 'twin': twin, 'kind': truth['kind'], 'seal': truth['seal'], 'len': len(ref),
                         'raw_err': lev(ref, norm(raw)), 'x_err': lev(ref, norm(ours)),
                         'raw_empty': not norm(raw), 'raw_spur': spurious(ref, norm(raw)), 'x_spur': spurious(ref, norm(ours))})
        with open(f'{work}/white.pgm', 'wb') as f:  # start-up: the same command on an empty 32 x 32 page
            f.write(b'P5 32 32 255\n' + b'\xff' * 1024)
        t_start = time.time()
        subprocess.run(['tesseract', f'{work}/white.pgm', '-', '-l', 'chi_sim'], capture_output=True, env=env)
        startup = time.time() - t_start

        text_rows = [r for r in rows if not r['twin']]
        n_all = len(main_images)
        print(f'pages: {n_all} ({len(text_rows)} with text, {n_all - len(text_rows)} blank), seed {a.seed}; '
              f'{len([r for r in rows if r["twin"]])} sealed pages also without their seal')
        print(f'{"set":<22}{"pages":>6}{"raw tesseract CER":>19}{"xueji CER":>11}')
        table = []
        def line(name, sel):
            table.append({'set': name, 'pages': len(sel), 'raw_cer': cer(sel, 'raw_err'), 'xueji_cer': cer(sel, 'x_err')})
            print(f'{name:<22}{len(sel):>6}{cer(sel, "raw_err"):>19.4f}{cer(sel, "x_err"):>11.4f}')
        line('all', text_rows)
        for kind in ['学籍卡', '成绩单', '体检表', '奖惩记录', '毕业生登记表']:
            line(kind, [r for r in text_rows if r['kind'] == kind])
        line('prose (奖惩 + 毕业生)', [r for r in text_rows if r['kind'] in ('奖惩记录', '毕业生登记表')])
        sealed = [r for r in text_rows if r['seal']]
        twin_rows = [r for r in rows if r['twin']]
        line('sealed pages', sealed)
        line('  same without seal', twin_rows)
        line('pages without seal', [r for r in text_rows if not r['seal']])
        ratio_x = cer(sealed, 'x_err') / max(1e-9, cer(twin_rows, 'x_err'))
        ratio_r = cer(sealed, 'raw_err') / max(1e-9, cer(twin_rows, 'raw_err'))
        print(f'seal CER ratio (sealed / same pages unsealed): raw {ratio_r:.2f}, xueji {ratio_x:.2f}')
        sp_r = sum(r['raw_spur'] for r in text_rows); sp_x = sum(r['x_spur'] for r in text_rows)
        print(f'spurious {RULE_CHARS} beyond the reference: raw {sp_r}, xueji {sp_x}')
        print(f'raw tesseract returned nothing on {sum(r["raw_empty"] for r in text_rows)} text pages')
        raw_spp = sum(raw_times) / len(raw_times)
        print(f'seconds/page: raw tesseract process {raw_spp:.2f} (of which start-up ~{startup:.2f}); '
              f'xueji ocr, 1 worker {t1 / n_all:.2f}, 2 workers {t2 / n_all:.2f}')
        print(f'throughput: 1 worker {n_all / t1 * 60:.1f} pages/min, 2 workers {n_all / t2 * 60:.1f} pages/min, '
              f'ratio {t1 / t2:.2f}')
        out.update({'pages': n_all, 'seed': a.seed, 'cer': table, 'seal_ratio_raw': ratio_r, 'seal_ratio_xueji': ratio_x,
                    'spurious_raw': sp_r, 'spurious_xueji': sp_x, 'raw_seconds_per_page': raw_spp,
                    'raw_startup_seconds': startup, 'xueji_seconds_per_page_1w': t1 / n_all,
                    'xueji_seconds_per_page_2w': t2 / n_all, 'throughput_ratio_2w_1w': t1 / t2})

        # Overhead against plain recognition of the same OCR image.
        res = subprocess.run([f'{a.build}/bench/ocr_pipeline_bench', 'overhead', *main_images], check=True,
                             capture_output=True, text=True, env=env)
        per = [json.loads(l) for l in res.stdout.splitlines() if l.strip()]
        text = [p for p in per if not p['blank']]
        ocr_work = sum(p['ocr_image_ms'] + p['stage_ms']['ocr'] + p['stage_ms'].get('verify-orientation', 0) for p in text)
        whole = sum(p['xueji_ms'] for p in per)
        psm3 = sum(p['raw_psm3_ms'] for p in text); psm6 = sum(p['raw_psm6_ms'] for p in text)
        clean = sum(p['stage_ms']['clean'] - p['ocr_image_ms'] for p in per)
        load = sum(p['load_ms'] for p in per)
        print(f'overhead on {len(text)} text pages, ms/page: raw recognition of the OCR image psm 3 {psm3 / len(text):.0f}, '
              f'psm 6 {psm6 / len(text):.0f}; xueji OCR work {ocr_work / len(text):.0f} '
              f'-> ratio {ocr_work / psm3:.3f} (psm 3), {ocr_work / psm6:.3f} (psm 6)')
        print(f'  besides OCR, per page over all {len(per)} pages: decode {load / len(per):.0f} ms, master cleanup '
              f'{clean / len(per):.0f} ms; whole page {whole / len(per):.0f} ms')
        out.update({'raw_psm3_ms': psm3 / len(text), 'raw_psm6_ms': psm6 / len(text), 'xueji_ocr_ms': ocr_work / len(text),
                    'overhead_ratio_psm3': ocr_work / psm3, 'overhead_ratio_psm6': ocr_work / psm6,
                    'decode_ms': load / len(per), 'master_cleanup_ms': clean / len(per), 'whole_page_ms': whole / len(per)})

        # Memory over many pages.
        mem = {}
        for w in (1, 2):
            res = subprocess.run([f'{a.build}/bench/ocr_pipeline_bench', 'memory', '--workers', str(w), '--pages',
                                  str(a.memory_pages), *main_images], check=True, capture_output=True, text=True, env=env)
            mem[w] = json.loads(res.stdout)
            print(f'memory, {w} worker(s), RSS MB by pages: ' + ', '.join(f'{n}: {mb:.0f}' for n, mb in mem[w]['rss_mb']))
        peak1 = max(mb for _, mb in mem[1]['rss_mb']); peak2 = max(mb for _, mb in mem[2]['rss_mb'])
        print(f'memory per worker (peak RSS, 2 workers minus 1): {peak2 - peak1:.0f} MB; one worker process {peak1:.0f} MB')
        out['memory'] = {str(k): v for k, v in mem.items()}
    if a.json:
        json.dump(out, open(a.json, 'w'), ensure_ascii=False, indent=1)

if __name__ == '__main__':
    sys.exit(main())
