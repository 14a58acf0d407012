#!/usr/bin/env python3
"""Scores a batch job against the stack's truth (tests/batch/make_stack.py) and checks the
archive itself: every page the log says was filed is in that student's documents in the catalog.

  check_batch.py XUEJI ARCHIVE JOB TRUTH.json [--min-right 1.0] [--check-types]

Prints the figures; exits 1 when fewer pages than --min-right are filed to the right student
(and, with --check-types, document type), when any page is filed to a wrong student, when a
sheet is archived, or when the report misses a student with no pages.
"""
import argparse, json, subprocess, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('xueji')
    ap.add_argument('archive')
    ap.add_argument('job')
    ap.add_argument('truth')
    ap.add_argument('--min-right', type=float, default=1.0)
    ap.add_argument('--check-types', action='store_true')
    a = ap.parse_args()
    truth = json.load(open(a.truth))
    X = [a.xueji, '--show-ids', '--archive', a.archive]
    events = [json.loads(l) for l in open(f'{a.archive}/.journal/{a.job}/batch.jsonl', encoding='utf-8') if l.endswith('\n')]
    decided = {}
    for e in events:
        if e['e'] == 'page':
            decided[int(e['page'][5:9])] = e
    report = json.loads(subprocess.run(X + ['batch', 'report', a.job, '--json'], check=True, capture_output=True, text=True).stdout)

    pages = [t for t in truth['pages'] if t['what'] == 'page']
    right = wrong_student = wrong_type = review = missing = 0
    problems = []
    for i, t in enumerate(truth['pages'], 1):
        e = decided.get(i)
        if e is None:
            missing += 1
            problems.append(f'{t["file"]}: never decided')
            continue
        d = e['decision']
        if t['what'] == 'sheet':
            if d['action'] != 'sheet':
                problems.append(f'{t["file"]}: separator sheet taken as {d["action"]} {e.get("sheet_message", "")}')
            continue
        if t['what'] == 'blank':
            if d['action'] not in ('blank',):
                problems.append(f'{t["file"]}: blank page taken as {d["action"]}')
            continue
        if d['action'] == 'review':
            review += 1
            continue
        if d['action'] != 'assign':
            problems.append(f'{t["file"]}: page of {t["student"]} taken as {d["action"]}')
            continue
        if d['student'] != t['student']:
            wrong_student += 1
            problems.append(f'{t["file"]}: filed to {d["student"]}, belongs to {t["student"]}')
        elif a.check_types and d['doctype'] != t['type']:
            wrong_type += 1
            problems.append(f'{t["file"]}: filed as {d["doctype"]}, is a {t["type"]}')
        else:
            right += 1

    # The catalog agrees with the log: each student's committed pages.
    by_student = {}
    for t in pages:
        by_student.setdefault(t['student'], 0)
    catalog_pages = {}
    for s in truth['students']:
        docs = json.loads(subprocess.run(X + ['document', 'list', '--student', s['id'], '--json'], check=True,
                                         capture_output=True, text=True).stdout)
        catalog_pages[s['id']] = sum(d.get('pages', 0) for d in docs)
    logged = {}
    for e in decided.values():
        if e['decision']['action'] == 'assign':
            logged[e['decision']['student']] = logged.get(e['decision']['student'], 0) + 1
    for sid, n in catalog_pages.items():
        if n != logged.get(sid, 0):
            problems.append(f'{sid}: {n} pages in the catalog, {logged.get(sid, 0)} filed by the log')
    reported_without = {s['id'] for s in report['students_without_pages']}
    for sid in truth['without_pages']:
        if sid not in reported_without:
            problems.append(f'{sid} has no pages but the report does not list it')

    share = right / len(pages) if pages else 1.0
    print(f'pages {len(pages)}: right {right} ({100 * share:.1f} %), wrong student {wrong_student}, '
          f'wrong type {wrong_type}, in review {review}, never decided {missing}; '
          f'students without pages reported {len(reported_without)} (truth {len(truth["without_pages"])}); '
          f'report state {report["state"]}')
    for p in problems[:30]:
        print('  ' + p)
    ok = share >= a.min_right and wrong_student == 0 and missing == 0 and not [p for p in problems if 'taken as' in p or 'catalog' in p or 'report' in p]
    if a.check_types and wrong_type:
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
