#!/usr/bin/env python3
"""Check postlint's open-registry derivation (slug = pinyin of the source name) against the
site generator's own library, xpinyin 0.7.6, on every source name in the finews sample and the
seed.

Installs xpinyin==0.7.6 from PyPI if it is missing (the one step that needs a registry), builds
one post per source name — category = xpinyin's slug, tag = name + 新闻, attribution and back
links for that name — and runs `postlint check` on them with the finews pack: any TX002, SA002
or SA006 finding is a name where postlint and xpinyin disagree. Usage, from the project root:

    python3 scripts/xpinyin-compare.py [../shared/corpus]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "corpus"))
postlint = os.path.join(root, "target", "release", "postlint")

try:
    from xpinyin import Pinyin
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "xpinyin==0.7.6"], check=True)
    from xpinyin import Pinyin

names = set()
finews = os.path.join(corpus, "finews")
# Category pages: `title: <name>新闻`.
for f in os.listdir(os.path.join(finews, "category")):
    with open(os.path.join(finews, "category", f), encoding="utf-8") as fh:
        m = re.search(r"(?m)^title:\s*(.+?)新闻\s*$", fh.read())
        if m:
            names.add(m.group(1))
# NOTES.md: the sources it names in brackets.
with open(os.path.join(finews, "NOTES.md"), encoding="utf-8") as fh:
    for m in re.finditer(r"[（(]([^（）()\s`…]{2,16})[）)]", fh.read()):
        names.add(m.group(1))
# Posts: the credit at the end of a line (（财联社）), and `（文章来源：…）` lines (HTML stripped).
paths = [os.path.join(d, f) for d in (os.path.join(finews, "_posts"), os.path.join(finews, "old_post"), os.path.join(corpus, "seed")) for f in os.listdir(d)]
for p in paths:
    with open(p, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    for m in re.finditer(r"[（(]([^（）()\s]{2,16})[）)]\s*$", text, re.M):
        names.add(m.group(1))
    for m in re.finditer(r"（文章来源：(.*?)）", text):
        names.add(re.sub(r"<[^>]*>", "", m.group(1)))
# Source names hold Chinese; the Latin-only names of the pack's registry are added as they are.
names = {n for n in names if re.search(r"[\u4e00-\u9fff]", n)}
names |= {"TechWeb", "Techweb", "USDA", "Wind", "Career In 投行PEVC", "21世纪经济报道 21财经APP", "安信国际证券(香港)", "21财经", "36氪"}
names = sorted(names)

xp = Pinyin()
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "_posts"))
    with open(os.path.join(tmp, "postlint.yaml"), "w") as f:
        f.write("extends: finews\n")
    cases = {}
    for i, name in enumerate(names):
        slug = xp.get_pinyin(name).replace("-", "")
        cases[f"_posts/2022-03-18-NW{i:04d}.md"] = (name, slug)
        cat = json.dumps(slug, ensure_ascii=False)
        with open(os.path.join(tmp, "_posts", f"2022-03-18-NW{i:04d}.md"), "w", encoding="utf-8") as f:
            f.write(f"---\nlayout: post\ntitle: \"x\"\ndate: 2022-03-18 10:00:00 +0800\ncategories: [{cat}]\ntags: [{json.dumps(name + '新闻', ensure_ascii=False)}]\n---\n"
                    f"<p>x</p>\n <p class=\"em_media\">（文章来源：{name}）</p>\n\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW{i:04d}>\n\n"
                    f"[返回{name}新闻](//finews.withounder.com/category/{slug}.html)｜[返回首页](//finews.withounder.com/)\n")
    out = subprocess.run([postlint, "check", "--format", "json", "--select", "TX002,SA002,SA006"], cwd=tmp, capture_output=True, text=True)
    report = json.loads(out.stdout)
    bad = {d["path"] for d in report["diagnostics"]}

print(f"{len(names)} source names from the finews sample and the seed")
for path, (name, slug) in sorted(cases.items(), key=lambda kv: kv[1]):
    mark = "DIFFERENT" if path in bad else "ok"
    print(f"  {mark:9} {name} -> {slug}")
print("identical" if not bad else f"{len(bad)} names differ")
sys.exit(1 if bad else 0)
