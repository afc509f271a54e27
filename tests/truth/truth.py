#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runner of the ground-truth corpus (issue 7); started by tests/truth/run.sh.

For every compiler and level it builds the generated programs (gen.py), adds
one event per traced function with every variable the function prints, in a
group of its own, streams the program once with `uprobe --json stream`, and
compares each streamed value with the one the function printed, call by
call. Each (function, variable) case is exact, refused (the tool's reason),
wrong (a value differs, or more events than calls) or missed (fewer events
than calls). With perf, the same cases through `perf probe`, read back with
the same stream, give the side-by-side columns.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = ['-O0', '-O1', '-O2', '-O3', '-Os']
QUICK = ['-O0', '-O2']
COMPILERS = [('gcc', 'gcc', 'g++', []), ('clang', 'clang', 'clang++',
                                          ['-fdirect-access-external-data'])]
TRUTH_RE = re.compile(r'(\w+)=("(?:[^"]*)"|\S+)')


def sh(cmd, timeout=60, **kw):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, '', 'timed out after %ds' % timeout


def build(work, src, comp, level):
    """Builds one compiler and level into work/comp-level; returns (dir, error)."""
    name, cc, cxx, extra = comp
    d = os.path.join(work, '%s%s' % (name, level))
    os.makedirs(d, exist_ok=True)
    steps = [
        [cc, '-g', level, '-shared', '-fPIC', '-o', d + '/libtruth.so', src + '/libtruth.c'],
        [cc, '-g', level] + extra + ['-o', d + '/truth', src + '/truth.c', '-L' + d,
                                     '-ltruth', '-Wl,-rpath,$ORIGIN'],
        [cxx, '-g', level, '-o', d + '/truth-cxx', src + '/truth.cpp'],
    ]
    for s in steps:
        rc, _, err = sh(s, timeout=120)
        if rc:
            return d, '%s: %s' % (' '.join(s), err.strip()[:300])
    return d, None


def kernel_error():
    for d in ('/sys/kernel/tracing', '/sys/kernel/debug/tracing'):
        try:
            with open(d + '/error_log') as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        errs = [ln.split('error: ', 1)[1] for ln in lines if 'error: ' in ln]
        return errs[-1] if errs else '?'
    return '?'


def first_line(err):
    """The line that says why (perf prints notes before its error)."""
    lines = [ln.strip() for ln in err.strip().splitlines() if ln.strip()]
    why = [ln for ln in lines if re.search(r'[Ee]rror|Failed|not found|Semantic|[Ii]nvalid', ln)]
    return (why or lines or ['(no message)'])[0]


def norm_reason(r, d):
    """The reason with the build directory, addresses and names made generic."""
    r = r.replace(d + '/', '')
    r = re.sub(r'0x[0-9a-f]+', '0x…', r)
    r = re.sub(r'\+\d+', '+N', r)
    return r


class Tool:
    """How one tool adds probes; uprobe and perf probe differ only here."""

    def __init__(self, name, group):
        self.name, self.group, self.suffix = name, group, ''


class Uprobe(Tool):
    def __init__(self, exe, group):
        super().__init__('uprobe', group)
        self.exe = exe

    def args(self, case):
        return [v['expr'] if '=' in v['expr'] else '%s=%s' % (v['key'], v['expr'])
                for v in case['vars']]

    def targets(self, case):
        return [case['target']] + case.get('alt', [])

    def add(self, path, target, event, fetch, dry):
        cmd = [self.exe, 'add', '-g', self.group, '-e', event]
        cmd += ['-n'] if dry else []
        return sh(cmd + ['%s:%s' % (path, target)] + fetch)

    def delete(self, event):
        sh([self.exe, 'del', '%s/%s' % (self.group, event)])

    def clear(self):
        sh([self.exe, 'clear', '-g', self.group])


class Perf(Tool):
    def __init__(self, group):
        super().__init__('perf', group)
        # perf probe refuses an event name that any group has (other tests
        # have a 'handle'): a suffix of this run's own, taken off again.
        self.suffix = '_' + group[-5:-1]

    def args(self, case):
        out = []
        for v in case['vars']:
            e = v['expr'].split('=', 1)[-1]
            t = ':string' if v['kind'] == 's' else ''
            out.append('%s=%s%s' % (v['key'], e, t))
        return out

    def targets(self, case):
        return [case['perf_target']]

    def add(self, path, target, event, fetch, dry):
        spec = ' '.join(['%s:%s%s=%s' % (self.group, event, self.suffix, target)] + fetch)
        cmd = ['perf', 'probe', '-x', path] + (['-n'] if dry else []) + ['-a', spec]
        rc, out, err = sh(cmd)
        if rc and 'Failed to write event' in err:
            # The kernel's own reason (perf says only EINVAL).
            err = 'Failed to write event: kernel: %s\n' % kernel_error() + err
        return rc, out, err

    def delete(self, event):
        sh(['perf', 'probe', '-q', '-d', '%s:%s%s' % (self.group, event, self.suffix)])

    def clear(self):
        sh(['perf', 'probe', '-q', '-d', '%s:*' % self.group])


def pick_target(tool, d, path, c, fetch, notes):
    """The first spelling of the function the tool takes (C++ signatures vary)."""
    targets = tool.targets(c)
    first = None
    for t in targets:
        rc, _, err = tool.add(path, t, c['key'], fetch, dry=True)
        if rc == 0 or not re.search(r'no function|is a glob|no such|Failed to find', err):
            if first:
                n = '`%s` refused (%s); `%s` taken' % (targets[0], first, t)
                notes.append(norm_reason(n, d))
            return t, rc
        first = first or first_line(err)
    return targets[0], 1


def add_probes(tool, d, cases, res, notes):
    """Adds one event per case; fills res[(key, var)] with refusals; returns events added.

    All of a function's variables go in one event; when that is refused, each
    variable is tried alone (added and deleted again) to learn which ones and
    why, and the event is added with the rest.
    """
    added = []
    for c in cases:
        path = os.path.join(d, c['obj'])
        fetch = tool.args(c)
        target, _ = pick_target(tool, d, path, c, fetch, notes)
        rc, _, err = tool.add(path, target, c['key'], fetch, dry=False)
        if rc == 0:
            added.append((c, c['vars']))
            continue
        ok = []
        for i, f in enumerate(fetch):
            rc1, _, err1 = tool.add(path, target, c['key'], [f], dry=False)
            if rc1 == 0:
                ok.append(i)
                tool.delete(c['key'])
                continue
            crash = ' [CRASH rc=%d]' % rc1 if rc1 < 0 else ''
            res[(c['key'], c['vars'][i]['key'])] = ('refused', first_line(err1) + crash)
        if not ok:
            continue
        rc, _, err = tool.add(path, target, c['key'], [fetch[i] for i in ok], dry=False)
        if rc:
            for i in ok:
                res[(c['key'], c['vars'][i]['key'])] = ('refused', 'together: ' + first_line(err))
            continue
        added.append((c, [c['vars'][i] for i in ok]))
    return added


def parse_prints(path):
    calls = collections.defaultdict(list)
    with open(path, errors='replace') as f:
        for ln in f:
            if not ln.startswith('TRUTH '):
                continue
            kv = dict(TRUTH_RE.findall(ln[6:]))
            calls[kv.get('fn')].append(kv)
    return calls


def parse_events(path, group, suffix):
    evs = collections.defaultdict(list)
    with open(path, errors='replace') as f:
        for ln in f:
            try:
                o = json.loads(ln)
            except ValueError:
                continue
            ev = o.get('event', '')
            if ev.startswith(group + '/'):
                ev = ev.split('/', 1)[1]
                if suffix and ev.endswith(suffix):
                    ev = ev[:-len(suffix)]
                evs[ev].append(o.get('args', {}))
    return evs


def to_int(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            return None
    return None


def same(kind, printed, got):
    if kind in 'sc':
        want = printed[1:-1] if printed.startswith('"') else printed
        if kind == 'c' and isinstance(got, int):
            got = chr(got & 0xff)
        return got == want
    try:
        want = int(printed, 0)
    except ValueError:
        return False
    g = to_int(got)
    if kind == 'p' and g is not None:
        g &= (1 << 64) - 1
    return g == want


def compare(added, prints, events, res, lost):
    """Fills res per case; lost[fn] = the calls the function's event missed."""
    for c, vs in added:
        p, e = prints.get(c['key'], []), events.get(c['key'], [])
        lost[c['key']] = max(0, len(p) - len(e))
        for v in vs:
            k = (c['key'], v['key'])
            if not p:
                res[k] = ('wrong', 'the program printed no call')
            elif len(e) < len(p):
                res[k] = ('missed', '%d events for %d calls' % (len(e), len(p)))
            elif len(e) > len(p):
                res[k] = ('wrong', '%d events for %d calls' % (len(e), len(p)))
            else:
                res[k] = first_mismatch(v, p, e)


def first_mismatch(v, p, e):
    bad = 0
    first = None
    for i, (pr, ev) in enumerate(zip(p, e)):
        want, got = pr.get(v['key'], '?'), ev.get(v['key'], '<absent>')
        if not same(v['kind'], want, got):
            bad += 1
            if first is None:
                first = 'call %d: expected %s, got %s' % (i + 1, want, json.dumps(got))
    if bad:
        return ('wrong', '%s (%d of %d calls wrong)' % (first, bad, len(p)))
    return ('exact', '')


def run_prog(uprobe, tool, d, prog, cases, notes, lost):
    """One program under one tool: returns {(fn, var): (class, detail)}, seconds."""
    t0 = time.time()
    res = {}
    tool.clear()
    try:
        added = add_probes(tool, d, cases, res, notes)
        if added:
            out, evp = d + '/%s.%s.out' % (prog, tool.name), d + '/%s.%s.json' % (prog, tool.name)
            cmd = [uprobe, '--json', 'stream', tool.group + '/*', '--', 'sh', '-c',
                   "exec '%s/%s' > '%s'" % (d, prog, out)]
            rc, so, err = sh(cmd, timeout=120)
            with open(evp, 'w') as f:
                f.write(so)
            if rc not in (0,):
                crash = rc < 0
                note = 'stream exit %d%s: %s' % (rc, ' [CRASH]' if crash else '', first_line(err))
                for c, vs in added:
                    for v in vs:
                        res[(c['key'], v['key'])] = ('wrong', note)
            else:
                compare(added, parse_prints(out), parse_events(evp, tool.group, tool.suffix),
                        res, lost)
    finally:
        tool.clear()
    return res, time.time() - t0


def table(rows, tools, lost):
    """One row per compiler and level, the tools side by side."""
    head = '| compiler | level | cases |'
    sep = '| --- | --- | ---: |'
    for t in tools:
        head += ' %s exact | %s refused | %s wrong | %s missed | %s missed calls |' % ((t,) * 5)
        sep += ' ---: | ---: | ---: | ---: | ---: |'
    out = [head, sep]
    for (comp, lvl), byt in rows:
        first = next(iter(byt.values()))
        line = '| %s | %s | %d |' % (comp, lvl, len(first))
        for t in tools:
            r = byt.get(t)
            if r is None:
                line += ' - | - | - | - | - |'
                continue
            n = collections.Counter(v[0] for v in r.values())
            line += ' %d | %d | %d | %d | %d |' % (n['exact'], n['refused'], n['wrong'],
                                                   n['missed'], lost[(comp, lvl, t)])
        out.append(line)
    return out


def details(rows, tools, cases_by_key, dirs):
    """Distinct refusals, then wrong and missed cases, each with the builds it is in."""
    out = []
    for t in tools:
        reasons = collections.defaultdict(list)
        bad = collections.OrderedDict()
        for (comp, lvl), byt in rows:
            where = '%s %s' % (comp, lvl)
            for (fn, var), (cls, det) in sorted(byt.get(t, {}).items()):
                if cls == 'refused':
                    reasons[norm_reason(det, dirs[(comp, lvl)])].append(where)
                elif cls in ('wrong', 'missed'):
                    c = cases_by_key[fn]
                    k = (cls, c['target'], var, c['notes'])
                    bad.setdefault(k, []).append((where, det))
        out += ['', '### %s: refusals (distinct reasons: cases, builds)' % t, '']
        out += ['- %d × %s [%s]' % (len(w), r, ', '.join(dict.fromkeys(w)))
                for r, w in sorted(reasons.items(), key=lambda x: -len(x[1]))] or ['- none']
        out += ['', '### %s: wrong and missed cases (builds; the first one\'s detail)' % t, '']
        out += ['- %s `%s` %s (%s) [%s]: %s' % (cls, tg, var, note, ', '.join(w for w, _ in b),
                                              b[0][1])
                for (cls, tg, var, note), b in bad.items()] or ['- none']
    return out


def run_all(a, uprobe, work, src, cases):
    """Builds and runs every configuration; returns what markdown() and summary() need."""
    levels = QUICK if a.quick else LEVELS
    configs = [(comp, lvl) for comp in COMPILERS for lvl in levels]
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        built = list(ex.map(lambda cl: build(work, src, *cl), configs))
    r = argparse.Namespace(rows=[], dirs={}, errors=[], secs=collections.Counter(),
                           lost=collections.Counter(), t_build=time.time() - t0,
                           notes=collections.defaultdict(lambda: collections.defaultdict(list)))
    tools = [Uprobe(uprobe, a.group)]
    r.perf_note = None
    if not a.no_perf and shutil.which('perf'):
        tools.append(Perf(a.group + 'p'))
    elif not a.no_perf:
        r.perf_note = 'perf is not installed: no perf columns.'
    r.names = [t.name for t in tools]
    for (comp, lvl), (d, err) in zip(configs, built):
        r.dirs[(comp[0], lvl)] = d
        if err:
            r.errors.append('- build %s %s failed: %s' % (comp[0], lvl, err))
            continue
        r.rows.append(((comp[0], lvl), {t.name: run_build(uprobe, t, d, cases, r, comp[0], lvl)
                                        for t in tools}))
    return r


def run_build(uprobe, t, d, cases, r, comp, lvl):
    """Both programs of one build under tool @t."""
    res = {}
    for prog, objs in (('truth', ('truth', 'libtruth.so')), ('truth-cxx', ('truth-cxx',))):
        nt, lost = [], {}
        got, s = run_prog(uprobe, t, d, prog, [c for c in cases if c['obj'] in objs], nt, lost)
        for n in nt:
            r.notes[t.name][n].append('%s %s' % (comp, lvl))
        res.update(got)
        r.secs[t.name] += s
        r.lost[(comp, lvl, t.name)] += sum(lost.values())
    return res


def markdown(a, r, cases, cases_by_key, total):
    md = ['## Ground truth (issue 7): a value shown is the value the program saw', '',
          'Generated by `tests/truth/run.sh%s` (tests/truth/gen.py: %d traced functions, '
          '%d (function, variable) cases per build, %d calls each in main). One case is one '
          'variable of one function: exact when every call\'s streamed value equals the value '
          'the function printed as its first statement; refused when `add` says no (reason '
          'below); wrong when a value differs or there are more events than calls; missed '
          'when there are fewer events than calls (missed calls: the calls no event showed, '
          'per function). Every traced call is a real call at every level (the recursive '
          'ones too: gen.py keeps them from becoming loops).' % (
              ' --quick' if a.quick else '', len(cases), sum(len(c['vars']) for c in cases),
              a.calls), '']
    md += table(r.rows, r.names, r.lost)
    if r.perf_note:
        md += ['', r.perf_note]
    elif 'perf' in r.names:
        md += ['', 'perf columns: the same cases through `perf probe -x BIN -a '
               "'GROUP:EVENT=FUNC NAME=VAR...'` (strings with `:string`; C++ functions by "
               "their mangled names, since perf probe cannot parse `::`), streamed with the "
               'same `uprobe stream`.']
    md += ['', 'Runtime: %.0f s in all (builds %.0f s; %s).' % (
        total, r.t_build, ', '.join('%s %.0f s' % (k, v) for k, v in r.secs.items()))]
    md += r.errors
    md += details(r.rows, r.names, cases_by_key, r.dirs)
    for t in r.names:
        if r.notes[t]:
            md += ['', '### %s: function names taken only in another spelling' % t, '']
            md += ['- %s [%s]' % (n, ', '.join(w)) for n, w in r.notes[t].items()]
    return md


def summary(r):
    """The uprobe cases as a test tier: exact passes, wrong and missed fail, refused skips."""
    n = collections.Counter()
    out = []
    for (comp, lvl), byt in r.rows:
        for (fn, var), (cls, det) in sorted(byt['uprobe'].items()):
            n[cls] += 1
            if cls != 'exact':
                word = 'SKIP' if cls == 'refused' else 'FAIL'
                out.append('%s - truth: %s %s %s %s: %s %s' % (word, comp, lvl, fn, var, cls,
                                                               det))
    n['wrong'] += len(r.errors)
    out += ['FAIL - truth: %s' % e[2:] for e in r.errors]
    out.append('truth: %d passed, %d failed, %d skipped' % (
        n['exact'], n['wrong'] + n['missed'], n['refused']))
    return out


def write_report(path, md):
    """Puts @md in place of the report's Ground truth section, or at its end."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        text = ''
    sec = '\n'.join(md) + '\n'
    m = re.search(r'^## Ground truth.*?(?=^## |\Z)', text, re.S | re.M)
    if m:
        text = text[:m.start()] + sec + ('\n' if m.end() < len(text) else '') + text[m.end():]
    else:
        text = text.rstrip('\n') + '\n\n' + sec
    with open(path, 'w') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true', help='gcc and clang at -O0 and -O2 only')
    ap.add_argument('--uprobe', default=os.environ.get('UPROBE', './uprobe'))
    ap.add_argument('--group', default=os.environ.get('TRUTH_GROUP', 'truth_%d' % os.getpid()))
    ap.add_argument('--work', default=None)
    ap.add_argument('--out', default='tests/out/truth.md')
    ap.add_argument('--report', default=None, help='also replace this file\'s Ground truth section')
    ap.add_argument('--summary', action='store_true',
                    help='print the uprobe cases as a test tier, not the table')
    ap.add_argument('--no-perf', action='store_true')
    ap.add_argument('--calls', type=int, default=7)
    a = ap.parse_args()
    t0 = time.time()
    uprobe = os.path.abspath(a.uprobe)
    work = a.work or os.path.join(os.path.dirname(os.path.abspath(a.out)), 'truth')
    shutil.rmtree(work, ignore_errors=True)
    src = os.path.join(work, 'src')
    subprocess.run([sys.executable, os.path.join(HERE, 'gen.py'), src, str(a.calls)], check=True)
    with open(os.path.join(src, 'cases.json')) as f:
        cases = json.load(f)
    r = run_all(a, uprobe, work, src, cases)
    md = markdown(a, r, cases, {c['key']: c for c in cases}, time.time() - t0)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, 'w') as f:
        f.write('\n'.join(md) + '\n')
    if a.report:
        write_report(a.report, md)
    print('\n'.join(summary(r) if a.summary else md))
    bad = r.errors or any(v[0] in ('wrong', 'missed') for _, byt in r.rows
                          for v in byt['uprobe'].values())
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
