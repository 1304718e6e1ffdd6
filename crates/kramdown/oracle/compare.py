#!/usr/bin/env python3
"""Dev tool: run JSON-lines inputs through the Ruby oracle and the Rust kdump
example, report tree/HTML agreement and print the first differing cases.
usage: compare.py INPUT.jsonl [max_diffs]"""
import json, subprocess, sys, os
here = os.path.dirname(os.path.abspath(__file__))
inp = open(sys.argv[1], 'rb').read()
maxd = int(sys.argv[2]) if len(sys.argv) > 2 else 5
rb = subprocess.run(['ruby', os.path.join(here, 'kramdown_oracle.rb')], input=inp, capture_output=True).stdout.decode().splitlines()
rs = subprocess.run([os.path.join(here, '..', 'target', 'release', 'examples', 'kdump')], input=inp, capture_output=True).stdout.decode().splitlines()
docs = [json.loads(l) for l in inp.decode().splitlines()]
n = len(docs); tree_ok = html_ok = err = 0; shown = 0
for i, d in enumerate(docs):
    a = json.loads(rb[i]) if i < len(rb) else {'error': 'missing'}
    b = json.loads(rs[i]) if i < len(rs) else {'error': 'missing'}
    if 'error' in a:
        err += 1; continue
    t = a['tree'] == b.get('tree'); h = a['html'] == b.get('html')
    tree_ok += t; html_ok += h
    if (not t or not h) and shown < maxd:
        shown += 1
        print('=' * 30, i, d.get('name', ''), 'tree' if not t else '', 'html' if not h else '')
        print(repr(d['text'][:1500]))
        if not h:
            import difflib
            print('\n'.join(list(difflib.unified_diff(a['html'].splitlines(), b.get('html', '').splitlines(), 'ruby', 'rust', lineterm='', n=2))[:40]))
        if not t:
            import difflib
            x = json.dumps(a['tree'], indent=1, sort_keys=True).splitlines()
            y = json.dumps(b.get('tree'), indent=1, sort_keys=True).splitlines()
            print('\n'.join(list(difflib.unified_diff(x, y, lineterm='', n=2))[:40]))
ok = n - err
print(f'docs {n} oracle-errors {err} tree {tree_ok}/{ok} html {html_ok}/{ok}')
