#!/usr/bin/env python3
"""OCR benchmark: raw Tesseract, Xueji with Tesseract and Xueji with PP-OCR, side by side on the
same pages in one run — pages in fonts, layouts and degradation ranges never used for tuning.

  /usr/bin/python3 bench/ocr_bench.py [--pages 150] [--seed 11] [--set test] [--real DIR]
                                      [--speed-pages 12] [--memory-pages 300] [--json OUT]

Pages: `xueji-pagegen --mixed N --seed S --set test --seal-twins` (the held-out set: Kai, Song
and serif faces, three layouts per kind, faded ink, bleed-through blanks, quarter turns, seals;
see README "Test pages"), and the real photos and scans in ../shared/samples/real (hand-made
transcriptions; several come from PaddleOCR's own repository, so they can't rank PaddleOCR
fairly). The reference is the exact text in reading order. CER = Levenshtein distance over
characters after NFKC and removing all whitespace, divided by the reference length, summed
over pages.

Engines, all on one core (OMP_THREAD_LIMIT=1):
- raw: `tesseract PAGE - -l chi_sim` on the raw page (its defaults; no deskew, no turning);
- tesseract: `xueji ocr --engine tesseract --workers 1`;
- ppocr: `xueji ocr --workers 1` (the default engine).
Figures: CER overall, per kind, faded pages, sealed pages against the same pages without their
seal; 学籍号 and 身份证号 read exactly (share of the pages carrying them); orientation right on
text pages, upright pages turned, pages sent to review; blank precision and recall; OCR time per
text page (the ocr, blank, skew and orientation stages, from each page's stage_ms); the real images' CER per
engine. Then throughput: `xueji import` with 2 workers against OCRmyPDF (`--rotate-pages
--deskew --clean --output-type pdfa`, two pages at a time, one core each) on the same
--speed-pages pages; and resident memory with 1 and 2 workers over --memory-pages pages.
"""
import argparse, concurrent.futures, csv, glob, json, os, subprocess, sys, tempfile, time, unicodedata

ENGINES = ['raw', 'tesseract', 'ppocr']


def norm(s):
    return ''.join(unicodedata.normalize('NFKC', s).replace('℃', '°C').split())


def lev(a, b):
    if not a: return len(b)
    if not b: return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(rows, e):
    n = sum(r['len'] for r in rows)
    return sum(r['err'][e] for r in rows) / n if n else float('nan')


def run(cmd, env, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, env=env, text=True, **kw)


def image_of(stem):
    return next(p for p in (stem + '.png', stem + '.jpg') if os.path.exists(p))


def xueji_ocr(xueji, images, out, engine, env, workers=1):
    t0 = time.time()
    run([xueji, 'ocr', *images, '--out', out, '--workers', str(workers), '--engine', engine], env)
    return time.time() - t0


def read_result(out, stem):
    j = json.load(open(f'{out}/{stem}.json'))
    return open(f'{out}/{stem}.txt').read(), j


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pages', type=int, default=150)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--set', default='test', choices=['test', 'tune', 'stress'])
    ap.add_argument('--real', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../shared/samples/real'))
    ap.add_argument('--speed-pages', type=int, default=12)
    ap.add_argument('--memory-pages', type=int, default=300)
    ap.add_argument('--build', default='build')
    ap.add_argument('--json', help='also write the figures here')
    a = ap.parse_args()
    env = dict(os.environ, OMP_THREAD_LIMIT='1', OPENBLAS_NUM_THREADS='1')
    xueji = f'{a.build}/cli/xueji'
    out = {'set': a.set, 'seed': a.seed}
    with tempfile.TemporaryDirectory() as work:
        run([f'{a.build}/tests/pagegen/xueji-pagegen', '--out', f'{work}/pages', '--mixed', str(a.pages), '--seed',
             str(a.seed), '--set', a.set, '--seal-twins'], env)
        mains = sorted(glob.glob(f'{work}/pages/page-*.json'))
        twins = sorted(glob.glob(f'{work}/pages/twin-*.json'))
        main_images = [image_of(t[:-5]) for t in mains]
        twin_images = [image_of(t[:-5]) for t in twins]
        seconds = {}
        for e in ('tesseract', 'ppocr'):
            seconds[e] = xueji_ocr(xueji, main_images, f'{work}/{e}', e, env)
            if twin_images:
                xueji_ocr(xueji, twin_images, f'{work}/{e}-twin', e, env, workers=2)

        rows, blanks = [], []
        for truth_file, img in zip(mains + twins, main_images + twin_images):
            truth = json.load(open(truth_file))
            stem = os.path.basename(truth_file)[:-5]
            twin = stem.startswith('twin-')
            raw = run(['tesseract', img, '-', '-l', 'chi_sim'], env).stdout if not truth['blank'] else ''
            got = {}
            for e in ('tesseract', 'ppocr'):
                got[e] = read_result(f'{work}/{e}{"-twin" if twin else ""}', stem)
            if not twin:
                blanks.append({'truth': truth['blank'], 'got': {e: got[e][1]['blank'] for e in got}})
            if truth['blank']:
                continue
            ref = norm(truth['text'])
            hyp = {'raw': norm(raw), **{e: norm(got[e][0]) for e in got}}
            sid = truth.get('student', {}).get('id', '')
            # the 学籍号 and, inside it, the 身份证号 (G/J + 18 characters)
            ids = [s for s in (sid, sid[1:] if len(sid) == 19 else '') if s and s in ref]
            rows.append({'stem': stem, 'twin': twin, 'kind': truth['kind'], 'seal': truth.get('seal', False),
                         'faded': truth.get('faded', False), 'len': len(ref),
                         'err': {e: lev(ref, hyp[e]) for e in ENGINES},
                         'ids': len(ids), 'ids_exact': {e: all(s in hyp[e] for s in ids) for e in ENGINES},
                         'orientation': truth.get('orientation', 0),
                         'got_orientation': {e: got[e][1]['orientation'] for e in got},
                         'review': {e: bool(got[e][1]['review']) for e in got},
                         'ocr_ms': {e: sum(got[e][1]['stage_ms'].get(k, 0)
                                           for k in ('ocr', 'verify-blank', 'verify-orientation', 'verify-skew'))
                                    for e in got}})

        text_rows = [r for r in rows if not r['twin']]
        n_all = len(main_images)
        print(f'set {a.set}, seed {a.seed}: {n_all} pages ({len(text_rows)} with text, {n_all - len(text_rows)} blank); '
              f'{len([r for r in rows if r["twin"]])} sealed pages also without their seal')
        print(f'{"CER":<24}{"pages":>6}' + ''.join(f'{e:>11}' for e in ENGINES))
        table = []
        def line(name, sel):
            table.append({'set': name, 'pages': len(sel), **{e: cer(sel, e) for e in ENGINES}})
            print(f'{name:<24}{len(sel):>6}' + ''.join(f'{cer(sel, e):>11.4f}' for e in ENGINES))
        line('all', text_rows)
        for kind in ['学籍卡', '成绩单', '体检表', '奖惩记录', '毕业生登记表']:
            line(kind, [r for r in text_rows if r['kind'] == kind])
        line('faded', [r for r in text_rows if r['faded']])
        sealed = [r for r in text_rows if r['seal']]
        twin_rows = [r for r in rows if r['twin']]
        line('sealed pages', sealed)
        line('  same without seal', twin_rows)
        seal_ratio = {e: cer(sealed, e) / max(1e-9, cer(twin_rows, e)) for e in ENGINES}
        print('seal CER ratio (sealed / unsealed twins): ' + ', '.join(f'{e} {v:.2f}' for e, v in seal_ratio.items()))
        with_ids = [r for r in text_rows if r['ids']]
        ids_exact = {e: sum(r['ids_exact'][e] for r in with_ids) / max(1, len(with_ids)) for e in ENGINES}
        print(f'学籍号/身份证号 read exactly on pages carrying them ({len(with_ids)}): ' +
              ', '.join(f'{e} {100 * v:.1f} %' for e, v in ids_exact.items()))
        orient = {}
        for e in ('tesseract', 'ppocr'):
            right = sum(r['got_orientation'][e] == r['orientation'] for r in text_rows)
            upright = [r for r in text_rows if r['orientation'] == 0]
            turned = sum(r['got_orientation'][e] != 0 for r in upright)
            by = {o: (sum(r['got_orientation'][e] == o for r in text_rows if r['orientation'] == o),
                      sum(r['orientation'] == o for r in text_rows)) for o in (0, 90, 180, 270)}
            review = sum(r['review'][e] for r in text_rows)
            orient[e] = {'right': right, 'pages': len(text_rows), 'upright_turned': turned, 'review': review,
                         'by_orientation': {str(o): v for o, v in by.items()}}
            print(f'orientation, {e}: right on {right}/{len(text_rows)} text pages '
                  f'({", ".join(f"{o}: {v[0]}/{v[1]}" for o, v in by.items())}); upright pages turned {turned}; '
                  f'pages marked for review {review}')
        blank_stats = {}
        for e in ('tesseract', 'ppocr'):
            tp = sum(b['truth'] and b['got'][e] for b in blanks)
            fp = sum(not b['truth'] and b['got'][e] for b in blanks)
            fn = sum(b['truth'] and not b['got'][e] for b in blanks)
            p = tp / (tp + fp) if tp + fp else 1.0
            rc = tp / (tp + fn) if tp + fn else 1.0
            blank_stats[e] = {'precision': p, 'recall': rc, 'text_pages_called_blank': fp, 'blank_pages': tp + fn}
            print(f'blank, {e}: precision {p:.3f}, recall {rc:.3f} ({tp + fn} blank pages; {fp} text pages called blank)')
        ocr_ms = {e: sum(r['ocr_ms'][e] for r in text_rows) / len(text_rows) for e in ('tesseract', 'ppocr')}
        print(f'OCR time per text page, one core (ocr + blank, skew and orientation stages): tesseract {ocr_ms["tesseract"]:.0f} ms, '
              f'ppocr {ocr_ms["ppocr"]:.0f} ms, ratio ppocr/tesseract {ocr_ms["ppocr"] / ocr_ms["tesseract"]:.2f}; '
              f'whole `xueji ocr` run, s/page: tesseract {seconds["tesseract"] / n_all:.2f}, ppocr {seconds["ppocr"] / n_all:.2f}')
        out.update({'pages': n_all, 'text_pages': len(text_rows), 'cer': table, 'seal_ratio': seal_ratio,
                    'ids_exact': ids_exact, 'pages_with_ids': len(with_ids), 'orientation': orient,
                    'blank': blank_stats, 'ocr_ms_per_text_page': ocr_ms,
                    'xueji_ocr_seconds_per_page': {e: s / n_all for e, s in seconds.items()}})

        # Real images.
        if os.path.isdir(a.real):
            truths = sorted(t for t in glob.glob(f'{a.real}/*.txt') if os.path.basename(t) != 'SOURCES.txt')
            images = [next(p for p in glob.glob(t[:-4] + '.*') if not p.endswith('.txt')) for t in truths]
            for e in ('tesseract', 'ppocr'):
                xueji_ocr(xueji, images, f'{work}/real-{e}', e, env, workers=2)
            real, tot = [], {e: [0, 0] for e in ENGINES}
            print(f'real images ({a.real}): CER per engine')
            for t, img in zip(truths, images):
                stem = os.path.basename(t)[:-4]
                ref = norm(open(t).read())
                hyp = {'raw': norm(run(['tesseract', img, '-', '-l', 'chi_sim'], env).stdout)}
                for e in ('tesseract', 'ppocr'):
                    hyp[e] = norm(open(f'{work}/real-{e}/{stem}.txt').read())
                errs = {e: lev(ref, hyp[e]) for e in ENGINES}
                for e in ENGINES:
                    tot[e][0] += errs[e]; tot[e][1] += len(ref)
                real.append({'image': stem, 'len': len(ref), **{e: errs[e] / len(ref) for e in ENGINES}})
                print(f'  {stem:<30}{len(ref):>6}' + ''.join(f'{errs[e] / len(ref):>11.4f}' for e in ENGINES))
            print(f'  {"all":<30}{tot["raw"][1]:>6}' + ''.join(f'{tot[e][0] / tot[e][1]:>11.4f}' for e in ENGINES))
            out['real'] = {'images': real, 'all': {e: tot[e][0] / tot[e][1] for e in ENGINES}}

        # Throughput: xueji import (2 workers) against OCRmyPDF (2 pages at a time, one core each).
        speed = [image_of(t[:-5]) for t in mains if not json.load(open(t))['blank']][:a.speed_pages]
        if speed:
            arch = f'{work}/archive'
            run([xueji, 'init', arch], env)
            roster = f'{work}/roster.csv'
            sid = json.load(open(mains[0]))['student']
            with open(roster, 'w', encoding='utf-8') as f:
                f.write('学籍号,姓名,性别,出生日期,年级,班级\n')
                birth = sid['id'][7:15]
                f.write(f'{sid["id"]},{sid.get("name", "测试")},男,{birth[:4]}-{birth[4:6]}-{birth[6:]},2015级,1班\n')
            run([xueji, 'roster', 'import', roster, '--archive', arch], env)
            t0 = time.time()
            run([xueji, 'import', '-q', '--archive', arch, '--student', sid['id'], '--workers', '2', *speed], env)
            t_x = time.time() - t0

            def ocrmypdf(i):
                subprocess.run(['ocrmypdf', '--rotate-pages', '--deskew', '--clean', '--output-type', 'pdfa',
                                '--image-dpi', '300', '--jobs', '1', '-l', 'chi_sim', speed[i], f'{work}/omp-{i}.pdf'],
                               check=True, capture_output=True, env=env)
            t0 = time.time()
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(ocrmypdf, range(len(speed))))
            t_o = time.time() - t0
            px, po = len(speed) / t_x * 60, len(speed) / t_o * 60
            print(f'throughput on {len(speed)} text pages: xueji import, 2 workers {px:.1f} pages/min '
                  f'({t_x / len(speed):.2f} s/page); OCRmyPDF, 2 at a time {po:.1f} pages/min ({t_o / len(speed):.1f} s/page); '
                  f'ratio {px / po:.1f}')
            out['throughput'] = {'pages': len(speed), 'xueji_pages_per_min': px, 'ocrmypdf_pages_per_min': po,
                                 'ratio': px / po}

        # Memory over many pages (the default engine).
        if a.memory_pages > 0:
            mem = {}
            text_images = [image_of(t[:-5]) for t in mains if not json.load(open(t))['blank']]
            for w in (1, 2):
                res = run([f'{a.build}/bench/ocr_pipeline_bench', 'memory', '--workers', str(w), '--pages',
                           str(a.memory_pages), *text_images], env)
                mem[w] = json.loads(res.stdout)
                print(f'memory, ppocr, {w} worker(s), RSS MB by pages: ' + ', '.join(f'{n}: {mb:.0f}' for n, mb in mem[w]['rss_mb']))
            peak1 = max(mb for _, mb in mem[1]['rss_mb']); peak2 = max(mb for _, mb in mem[2]['rss_mb'])
            print(f'memory per worker (peak RSS, 2 workers minus 1): {peak2 - peak1:.0f} MB; one worker process {peak1:.0f} MB')
            out['memory'] = {str(k): v for k, v in mem.items()}
            out['memory_per_worker_mb'] = peak2 - peak1
    if a.json:
        json.dump(out, open(a.json, 'w'), ensure_ascii=False, indent=1)


if __name__ == '__main__':
    sys.exit(main())
