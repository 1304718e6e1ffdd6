#!/usr/bin/env python3
"""Compare postlint's LK004 findings on the finews sample with the oracle: Jekyll builds the site
and html-proofer checks the built pages (`htmlproofer --disable-external`).

Needs Debian's `jekyll` and `ruby-html-proofer` (apt-get install jekyll ruby-html-proofer) and a
release build of postlint (cargo build --release). Usage, from the project root:

    python3 scripts/oracle-links.py [../shared/corpus/finews]

The sample's theme (jekyll-theme-minimal), its `{% seo %}` tag and the jekyll-feed plugin are not
packaged in Debian; the script drops them from a temporary copy (they only affect the layout's
<head>, not the posts' links). html-proofer's findings are reduced to the posts' own links, each
(page, URL) once, and only links written in the post (not the theme layout's): the layout repeats each post's content inside an unescaped og:description
attribute, so html-proofer sees every link twice. Exit status 0 when both sides agree.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "corpus", "finews"))
postlint = os.path.join(root, "target", "release", "postlint")

with tempfile.TemporaryDirectory() as tmp:
    site = os.path.join(tmp, "site")
    shutil.copytree(corpus, site)
    with open(os.path.join(site, "_config.yml"), encoding="utf-8") as f:
        config = f.read()
    config = re.sub(r"(?m)^theme:.*\n", "", config)
    config = re.sub(r"(?m)^plugins:\n(  - .*\n)*", "", config)
    with open(os.path.join(site, "_config.yml"), "w", encoding="utf-8") as f:
        f.write(config)
    layout = os.path.join(site, "_layouts", "default.html")
    with open(layout, encoding="utf-8") as f:
        text = f.read().replace("{% seo %}", "")
    with open(layout, "w", encoding="utf-8") as f:
        f.write(text)
    os.makedirs(os.path.join(site, "_includes"), exist_ok=True)
    open(os.path.join(site, "_includes", "head-custom.html"), "w").close()

    subprocess.run(["jekyll", "build", "--quiet"], cwd=site, check=True)
    proof = subprocess.run(["htmlproofer", "--disable-external", "./_site"], cwd=site, capture_output=True, text=True)
    oracle = set()
    page = None
    for line in (proof.stdout + proof.stderr).splitlines():
        m = re.match(r"^- \./_site/(.*)$", line)
        if m:
            page = m.group(1)
            continue
        m = re.search(r"internally linking to (.*?), which does not exist", line)
        post = page and re.match(r"^[^/]+/\d{4}/\d{2}/\d{2}/(.+)\.html$", page)
        if m and post:
            oracle.add((post.group(1), m.group(1)))
    # The posts' own links only: the layout's links (the theme's stylesheet, missing here
    # because the theme is not installed) are not in any post.
    sources = {}
    for name in os.listdir(os.path.join(corpus, "_posts")):
        m = re.match(r"^\d{4}-\d{2}-\d{2}-(.+)\.md$", name)
        if m:
            with open(os.path.join(corpus, "_posts", name), encoding="utf-8", errors="replace") as f:
                sources[m.group(1)] = f.read()
    oracle = {(p, u) for p, u in oracle if f"]({u})" in sources.get(p, "") or f'"{u}"' in sources.get(p, "")}

    with open(os.path.join(tmp, "finews.yaml"), "w") as f:
        f.write("extends: finews\n")
    out = subprocess.run([postlint, "check", "--format", "json", "--select", "LK004", "--config", os.path.join(tmp, "finews.yaml")],
                         cwd=corpus, capture_output=True, text=True)
    ours = set()
    for d in json.loads(out.stdout)["diagnostics"]:
        post = re.match(r"^_posts/\d{4}-\d{2}-\d{2}-(.+)\.md$", d["path"])
        url = re.match(r"^`(.*?)` points at", d["message"])
        if post and url:
            ours.add((post.group(1), url.group(1)))

posts = len({p for p, _ in oracle})
print(f"html-proofer: {len(oracle)} broken internal links in {posts} posts")
print(f"postlint:     {len(ours)} broken internal links in {len({p for p, _ in ours})} posts")
for p, u in sorted(oracle - ours):
    print(f"  only html-proofer: {p} {u}")
for p, u in sorted(ours - oracle):
    print(f"  only postlint:     {p} {u}")
print("identical" if oracle == ours else "DIFFERENT")
sys.exit(0 if oracle == ours else 1)
