#!/usr/bin/env python3
"""Dev tool: print the bodies (after front matter) of the Markdown files of the
shared corpus as JSON lines {"name", "text"}."""
import json, os, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/corpus'
files = []
for pat in ['sites/*/site/**/*.md', 'sites/*/site/**/*.markdown', 'finews/_posts/**/*.md', 'finews/_posts/**/*.markdown',
            'jekyll-test-source/**/*.md', 'jekyll-test-source/**/*.markdown']:
    files += glob.glob(os.path.join(root, pat), recursive=True)
for f in sorted(set(files)):
    try:
        t = open(f, encoding='utf-8').read()
    except Exception:
        continue
    if t.startswith('---'):
        lines = t.split('\n')
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ('---', '...'):
                t = '\n'.join(lines[i + 1:]); break
    print(json.dumps({'name': os.path.relpath(f, root), 'text': t}))
