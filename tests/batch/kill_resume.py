#!/usr/bin/env python3
"""Crash safety of `xueji batch`: a generated stack (tests/batch/make_stack.py) is imported once
without interruption (the reference), then KILLS times into a fresh archive, each time killed
with SIGKILL at a random moment (and its resume, half of the time, killed once more) and then
resumed to the end. Each resumed archive must equal the reference: the same students with the
same documents (type, order), pages (source, order) and text (pdftotext of each PDF), and
`xueji verify` clean.

  kill_resume.py XUEJI PAGEGEN [--students N] [--kills K] [--workers W] [--split text|sheets]
"""
import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def dump(xueji, arc, students):
    X = [xueji, '--show-ids', '--archive', arc]
    out = {}
    for sid in students:
        docs = json.loads(subprocess.run(X + ['document', 'list', '--student', sid, '--json'], check=True,
                                         capture_output=True, text=True).stdout)
        rows = []
        for d in sorted(docs, key=lambda d: (d['doc_type'], d['sequence'])):
            show = json.loads(subprocess.run(X + ['document', 'show', str(d['id']), '--json'], check=True,
                                             capture_output=True, text=True).stdout)
            text = subprocess.run(['pdftotext', '-enc', 'UTF-8', f'{arc}/{d["document"]}', '-'], check=True,
                                  capture_output=True, text=True).stdout
            # (archive sequence numbers are not compared: a killed run's reserved numbers are never given again)
            rows.append({'type': d['doc_type'], 'pages': d['pages'],
                         'sources': [p['source'] for p in show['page_list']], 'text': ''.join(text.split())})
        out[sid] = rows
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('xueji')
    ap.add_argument('pagegen')
    ap.add_argument('--students', type=int, default=6)
    ap.add_argument('--kills', type=int, default=2)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--split', default='text')
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()
    r = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix='xueji-batch-kill-')
    try:
        cmd = [sys.executable, f'{HERE}/make_stack.py', a.xueji, a.pagegen, f'{work}/st', '--students', str(a.students),
               '--seed', str(a.seed), '--no-pages-for', '0']
        if a.split == 'sheets':
            cmd.append('--sheets')
        subprocess.run(cmd, check=True)
        truth = json.load(open(f'{work}/st/truth.json'))
        students = [s['id'] for s in truth['students']]
        template = f'{work}/template'
        subprocess.run([a.xueji, 'init', template], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([a.xueji, '--archive', template, 'roster', 'import', f'{work}/st/roster.csv'], check=True,
                       stdout=subprocess.DEVNULL)
        batch = ['batch', 'import', f'{work}/st/stack', '--grade', truth['grade'], '--split', a.split,
                 '--workers', str(a.workers), '--progress', 'none']

        def fresh(name):
            arc = f'{work}/{name}'
            shutil.copytree(template, arc)
            return arc

        ref = fresh('ref')
        t0 = time.time()
        subprocess.run([a.xueji, '--archive', ref, *batch, '--job', 'j'], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        t_ref = time.time() - t0
        expect = dump(a.xueji, ref, students)
        pages = sum(len(d['sources']) for rows in expect.values() for d in rows)
        print(f'reference: {len(truth["pages"])} stack files, {pages} pages filed in {t_ref:.1f} s', flush=True)

        failures = 0
        for k in range(1, a.kills + 1):
            arc = fresh(f'k{k}')
            runs = [[a.xueji, '--archive', arc, *batch, '--job', 'j'],
                    [a.xueji, '--archive', arc, 'batch', 'resume', 'j', '--workers', str(a.workers), '--progress', 'none']]
            kills_here = []
            for attempt, c in enumerate(runs if r.random() < 0.5 else runs[:1]):
                delay = r.uniform(0.3, t_ref * (0.95 if attempt == 0 else 0.5))
                p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(delay)
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    kills_here.append(round(delay, 1))
                p.wait()
            done = subprocess.run(runs[1], capture_output=True, text=True)
            got = dump(a.xueji, arc, students) if done.returncode == 0 else None
            verify = subprocess.run([a.xueji, '--archive', arc, 'verify'], capture_output=True, text=True)
            ok = done.returncode == 0 and got == expect and verify.returncode == 0
            print(f'trial {k}: killed at {kills_here} s; resume exit {done.returncode}; '
                  f'archive {"equals" if got == expect else "DIFFERS FROM"} the reference; verify exit {verify.returncode}',
                  flush=True)
            if not ok:
                failures += 1
                print(done.stderr[-2000:], verify.stdout[-2000:])
                if got is not None:
                    for sid in students:
                        if got[sid] != expect[sid]:
                            print(' ', sid, 'got', got[sid], 'expected', expect[sid])
        print(f'{a.kills - failures} of {a.kills} killed batches resumed to the reference archive')
        sys.exit(1 if failures else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
