#!/usr/bin/env python3
"""A generated batch stack for `xueji batch import`: a roster of N students and, per student,
a 学籍卡 first and then 1-3 more documents (成绩单, 体检表, 奖惩记录, 毕业生登记表; some of two
pages), in the held-out generator's fonts and layouts (--set test) with scan degradations.

  make_stack.py XUEJI PAGEGEN OUT --students N [--sheets] [--seed S] [--no-pages-for K]

--sheets: separator sheets printed by `xueji sheets` (rendered with pdftoppm at 300 dpi, then
skewed, noised, some photocopied, some gray, some turned; some on the back of a duplex sheet,
i.e. after a blank front) go before each student's pages. Without --sheets the stack is for
`--split text`. The last K students of the roster get no pages (the report must list them).
Writes OUT/roster.csv, OUT/stack/NNNN.png and OUT/truth.json: per stack file what it is
(sheet, blank, or a page of student S, document type T, document number D of that student).
"""
import argparse, json, os, random, shutil, subprocess, sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = '10X98765432'
SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕'
GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '浩然',
         '子涵', '欣怡', '梓萱', '宇轩', '思远', '雨桐', '俊杰', '佳怡', '一诺', '晓雯', '子豪']
KINDS = ['成绩单', '体检表', '奖惩记录', '毕业生登记表']


def id_number(area, birth, seq):
    s = f'{area}{birth}{seq:03d}'
    return s + C[sum(int(a) * w for a, w in zip(s, W)) % 11]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('xueji')
    ap.add_argument('pagegen')
    ap.add_argument('out')
    ap.add_argument('--students', type=int, default=10)
    ap.add_argument('--sheets', action='store_true')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--no-pages-for', type=int, default=1)
    ap.add_argument('--grade', default='2023级')
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(f'{a.out}/stack', exist_ok=True)
    os.makedirs(f'{a.out}/work', exist_ok=True)

    students, used = [], set()
    while len(students) < a.students:
        birth = f'{r.randint(2007, 2009)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}'
        sid = 'G' + id_number(r.choice(['110108', '310104', '440106', '330106', '510107']), birth, r.randint(1, 999))
        name = r.choice(SURNAMES) + r.choice(GIVEN)
        if sid in used:
            continue
        used.add(sid)
        students.append({'id': sid, 'name': name, 'gender': r.choice('男女'), 'birth': f'{birth[:4]}-{birth[4:6]}-{birth[6:]}',
                         'class': f'{1 + len(students) % 2}班'})
    # 重名: two students share a name (names must never decide)
    if len(students) >= 4:
        students[3]['name'] = students[1]['name']
    with open(f'{a.out}/roster.csv', 'w', encoding='utf-8') as f:
        f.write('学籍号,姓名,性别,出生日期,年级,班级\n')
        for s in students:
            f.write(f'{s["id"]},{s["name"]},{s["gender"]},{s["birth"]},{a.grade},{s["class"]}\n')

    sheet_images = {}
    if a.sheets:  # the roster must be in an archive for `xueji sheets`
        arc = f'{a.out}/work/sheet-archive'
        shutil.rmtree(arc, ignore_errors=True)
        run([a.xueji, 'init', arc])
        run([a.xueji, '--archive', arc, 'roster', 'import', f'{a.out}/roster.csv'])
        run([a.xueji, '--archive', arc, 'sheets', '--grade', a.grade, '-o', f'{a.out}/work/sheets.pdf'])
        run(['pdftoppm', '-r', '300', '-gray', '-png', f'{a.out}/work/sheets.pdf', f'{a.out}/work/sheet'])
        rendered = sorted(p for p in os.listdir(f'{a.out}/work') if p.startswith('sheet-') and p.endswith('.png'))
        # `xueji sheets` orders by class, then 学籍号
        order = sorted(students, key=lambda s: (s['class'], s['id']))
        for s, p in zip(order, rendered):
            sheet_images[s['id']] = f'{a.out}/work/{p}'

    truth, n = [], 0

    def add(src, what):
        nonlocal n
        n += 1
        dst = f'{a.out}/stack/{n:04d}{os.path.splitext(src)[1]}'
        shutil.move(src, dst)
        truth.append({'file': os.path.basename(dst), **what})

    def page(kind, s, extra):
        stem = f'p{n + 1:04d}'
        seed = r.randint(1, 10 ** 6)
        cmd = [a.pagegen, '--out', f'{a.out}/work', '--set', 'test', '--stem', stem, '--kind', kind, '--id', s['id'],
               '--name', s['name'], '--gender', s['gender'], '--birth', s['birth'], '--grade', a.grade,
               '--class', s['class'], '--seed', str(seed), '--skew', f'{r.uniform(-2.5, 2.5):.2f}',
               '--noise', f'{r.uniform(2, 9):.1f}', *extra]
        run(cmd)
        return next(f'{a.out}/work/{stem}{e}' for e in ('.png', '.jpg') if os.path.exists(f'{a.out}/work/{stem}{e}'))

    with_pages = students[:len(students) - a.no_pages_for] if a.no_pages_for else students
    for s in with_pages:
        if a.sheets:
            if r.random() < 0.25:  # duplex: the sheet on the back of a blank front
                run([a.pagegen, '--out', f'{a.out}/work', '--stem', 'b', '--blank', '--seed', str(r.randint(1, 10 ** 6))])
                add(f'{a.out}/work/b.png', {'what': 'blank'})
            deg = f'{a.out}/work/deg.png'
            opts = ['--dpi', r.choice(['200', '300', '300', '600'])]
            if r.random() < 0.3: opts.append('--photocopy')
            if r.random() < 0.5: opts.append('--gray')
            run([a.pagegen, '--degrade', sheet_images[s['id']], '--out-image', deg, '--seed', str(r.randint(1, 10 ** 6)), *opts])
            add(deg, {'what': 'sheet', 'student': s['id']})
            if r.random() < 0.3:  # its blank back
                run([a.pagegen, '--out', f'{a.out}/work', '--stem', 'b', '--blank', '--seed', str(r.randint(1, 10 ** 6))])
                add(f'{a.out}/work/b.png', {'what': 'blank'})
        docs = ['学籍卡'] + r.sample(KINDS, r.randint(1, 3))
        for d, kind in enumerate(docs, 1):
            for _ in range(2 if r.random() < 0.15 else 1):
                extra = []
                if r.random() < 0.15: extra += ['--orientation', r.choice(['90', '180', '270'])]
                if r.random() < 0.2: extra += ['--seal']
                if r.random() < 0.3: extra += ['--jpeg', str(r.randint(70, 92))]
                add(page(kind, s, extra), {'what': 'page', 'student': s['id'], 'type': kind, 'doc': d})
    json.dump({'students': students, 'grade': a.grade, 'sheets': a.sheets, 'pages': truth,
               'without_pages': [s['id'] for s in students[len(with_pages):]]},
              open(f'{a.out}/truth.json', 'w'), ensure_ascii=False, indent=1)
    print(f'{n} stack files for {len(with_pages)} of {len(students)} students', file=sys.stderr)


if __name__ == '__main__':
    main()
