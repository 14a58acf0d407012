#!/usr/bin/env python3
"""Batch throughput and memory (issue: batch digitization of a whole grade).

A generated stack (tests/batch/make_stack.py: held-out fonts and layouts, scan degradations;
text split, the first page of every student a 学籍卡) goes through `xueji batch import` with
1 and with 2 workers, each into a fresh archive, timed, with the peak resident memory of the
process (/usr/bin/time -v). OCRmyPDF (`ocrmypdf -j 2 --rotate-pages --deskew --clean
--output-type pdfa -l chi_sim`) runs in the same run on the first --ocrmypdf-pages images of the
same stack, joined into one PDF (img2pdf): its pages per minute are measured on those pages.
Then memory against stack length: the same stack repeated to --memory-pages (each copy made a
distinct file by a PNG text chunk, so no page is refused as a duplicate), peak RSS for the
short and the long job.

  batch_bench.py [--students 90] [--ocrmypdf-pages 16] [--memory-pages 100,1000] [--json OUT]
"""
import argparse, json, os, re, shutil, struct, subprocess, sys, tempfile, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, env=None):
    t0 = time.time()
    p = subprocess.run(['/usr/bin/time', '-v', *cmd], capture_output=True, text=True, env=env)
    wall = time.time() - t0
    if p.returncode != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{p.stderr[-3000:]}')
    rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', p.stderr).group(1)) / 1024
    return wall, rss


def png_with_note(src, dst, note):
    data = open(src, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    body = b'Comment\x00' + note.encode()
    chunk = struct.pack('>I', len(body)) + b'tEXt' + body + struct.pack('>I', zlib.crc32(b'tEXt' + body))
    end = data.rfind(b'IEND') - 4
    open(dst, 'wb').write(data[:end] + chunk + data[end:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(HERE, '..', 'build'))
    ap.add_argument('--students', type=int, default=90)
    ap.add_argument('--ocrmypdf-pages', type=int, default=16)
    ap.add_argument('--memory-pages', default='100,1000')
    ap.add_argument('--seed', type=int, default=3)
    ap.add_argument('--json')
    a = ap.parse_args()
    xueji = os.path.abspath(f'{a.build}/cli/xueji')
    pagegen = os.path.abspath(f'{a.build}/tests/pagegen/xueji-pagegen')
    work = tempfile.mkdtemp(prefix='xueji-batch-bench-')
    out = {}
    try:
        subprocess.run([sys.executable, f'{HERE}/../tests/batch/make_stack.py', xueji, pagegen, f'{work}/st',
                        '--students', str(a.students), '--seed', str(a.seed), '--no-pages-for', '0'], check=True)
        truth = json.load(open(f'{work}/st/truth.json'))
        stack = sorted(os.listdir(f'{work}/st/stack'))
        pages = len(stack)

        def archive(name):
            arc = f'{work}/{name}'
            subprocess.run([xueji, 'init', arc], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([xueji, '--archive', arc, 'roster', 'import', f'{work}/st/roster.csv'], check=True,
                           stdout=subprocess.DEVNULL)
            return arc

        def batch(arc, folder, workers):
            return timed([xueji, '--archive', arc, 'batch', 'import', folder, '--grade', truth['grade'], '--split',
                          'text', '--workers', str(workers), '--progress', 'none', '--job', 'b'])

        runs = {}
        for w in (1, 2):
            wall, rss = batch(archive(f'w{w}'), f'{work}/st/stack', w)
            runs[w] = {'seconds': wall, 'pages_per_min': pages / wall * 60, 'peak_rss_mb': rss}
            print(f'xueji batch import, {w} worker(s): {pages} pages in {wall:.0f} s = {pages / wall * 60:.1f} pages/min, '
                  f'peak RSS {rss:.0f} MB', flush=True)
        out['pages'] = pages
        out['xueji'] = runs
        print(f'2 workers / 1 worker: {runs[2]["pages_per_min"] / runs[1]["pages_per_min"]:.2f}')

        if a.ocrmypdf_pages > 0:
            sample = [f'{work}/st/stack/{f}' for f in stack[:a.ocrmypdf_pages]]
            subprocess.run(['/usr/bin/python3', '-c',
                            'import img2pdf, sys; open(sys.argv[1], "wb").write(img2pdf.convert(sys.argv[2:]))',
                            f'{work}/omp-in.pdf', *sample], check=True)
            env = dict(os.environ, OMP_THREAD_LIMIT='1')
            wall, rss = timed(['ocrmypdf', '-j', '2', '--rotate-pages', '--deskew', '--clean', '--output-type', 'pdfa',
                               '-l', 'chi_sim', f'{work}/omp-in.pdf', f'{work}/omp-out.pdf'], env)
            ppm = len(sample) / wall * 60
            out['ocrmypdf'] = {'pages': len(sample), 'seconds': wall, 'pages_per_min': ppm, 'peak_rss_mb': rss}
            print(f'ocrmypdf -j 2 on the first {len(sample)} pages: {wall:.0f} s = {ppm:.2f} pages/min; '
                  f'xueji with 2 workers: {runs[2]["pages_per_min"] / ppm:.1f} x', flush=True)

        sizes = [int(x) for x in a.memory_pages.split(',') if x.strip() and int(x) > 0]
        pngs = [f for f in stack if f.endswith('.png')]
        mem = {}
        for n in sizes:
            folder = f'{work}/mem-{n}'
            os.makedirs(folder)
            for i in range(n):
                png_with_note(f'{work}/st/stack/{pngs[i % len(pngs)]}', f'{folder}/{i + 1:05d}.png', f'copy {i // len(pngs)}')
            wall, rss = batch(archive(f'mem{n}'), folder, 2)
            mem[n] = {'seconds': wall, 'peak_rss_mb': rss}
            print(f'{n}-page job, 2 workers: {wall:.0f} s, peak RSS {rss:.0f} MB', flush=True)
            shutil.rmtree(f'{work}/mem{n}', ignore_errors=True)
            shutil.rmtree(folder, ignore_errors=True)
        if len(mem) >= 2:
            lo, hi = min(mem), max(mem)
            print(f'peak RSS, {hi} pages / {lo} pages: {mem[hi]["peak_rss_mb"] / mem[lo]["peak_rss_mb"]:.2f}')
        out['memory'] = mem
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        json.dump(out, open(a.json, 'w'), indent=1)


if __name__ == '__main__':
    main()
