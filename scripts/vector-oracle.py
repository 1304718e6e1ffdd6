#!/usr/bin/env python3
"""The security vector oracle: is each vector of tests/vectors/vectors.txt live once Jekyll has
built it, and do postlint's security findings (HT007, HT008, LK002) say so, with both packs?

Every vector becomes a post of one site (`layout: null`: the page is the post's own HTML, Liquid
rendered, then kramdown), built by Debian's `jekyll` (scripts/oracle/render_posts.rb: Jekyll's
Renderer on each post) and parsed by html5lib as a browser with scripting enabled parses it.
Outside `<template>` content, the page is

  live       when script can run: an `on*` attribute on any element, a `script` element (HTML or
             SVG), an `iframe`/`frame`/`object`/`embed`/`applet`/`base`/`form` element, a `srcdoc`
             attribute, a javascript:/vbscript:/data:text/html URL (after the WHATWG URL
             parser's clean-up: C0 controls and space trimmed, tab/LF/CR removed, scheme
             lowercased) in a loading or navigating attribute (href, xlink:href, src, action,
             formaction, data, poster, background, codebase, lowsrc, dynsrc), an SVG `<animate>`
             or `<set>` that sets `href`/`xlink:href` to such a URL (to, from, values), or a
             `<meta http-equiv=refresh>` whose url is one;
  forbidden  not live, but holding an element both packs forbid (HT007: input, button, textarea,
             select, style, link, meta);
  neutral    neither: kramdown, Liquid or the browser made the text inert.

A live or forbidden vector must get a security finding with each pack ("missed" if not); a
neutral one none ("false" if it does). A vector marked `known-missed` must still be missed.

  scripts/vector-oracle.py [--write] [--keep DIR] [--verbose]

--write records the verdicts in tests/vectors/verdicts.json (tests/vectors.rs compares postlint
with them without Jekyll); otherwise the verdicts must equal the recorded ones. Prints one line
per disagreement and a JSON summary last; exit 1 on any. POSTLINT=path picks the binary
(default target/release/postlint). Needs ruby, jekyll and html5lib (Debian's /usr/bin/python3).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import html5lib

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests/vectors/vectors.txt"
VERDICTS = ROOT / "tests/vectors/verdicts.json"
HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
URL_ATTRS = {"href", XLINK_HREF, "src", "action", "formaction", "data", "poster", "background",
             "codebase", "lowsrc", "dynsrc"}
ACTIVE = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form"}
FORBIDDEN = {"input", "button", "textarea", "select", "style", "link", "meta"}
SECURITY = {"HT007", "HT008", "LK002"}
KNOWN_MISSED = set()


def read_vectors(path=VECTORS):
    """[(name, post text)] in file order."""
    out = []
    name, lines = None, []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("=== "):
            if name is not None:
                out.append((name, "\n".join(lines)))
            words = line[4:].split()
            name, lines = words[0], []
            if "known-missed" in words[1:]:
                KNOWN_MISSED.add(name)
        elif name is not None:
            lines.append(line)
    if name is not None:
        out.append((name, "\n".join(lines)))
    posts = []
    for name, body in out:
        body = body.rstrip("\n") + "\n"
        text = body if body.startswith("---\n") else "---\nlayout: null\n---\n" + body
        posts.append((name, text))
    return posts


def script_url(value):
    """Whether a URL attribute's value (entities already decoded) is a script URL to a browser."""
    v = (value or "").strip("".join(chr(c) for c in range(0x21)))
    v = v.replace("\t", "").replace("\n", "").replace("\r", "").lower()
    return v.startswith(("javascript:", "vbscript:", "data:text/html"))


def refresh_url(content):
    """The URL of a meta refresh's content (`0; url='…'`), or None."""
    c = content or ""
    low = c.lower()
    i = low.find("url")
    if i < 0:
        return None
    rest = c[i + 3:].lstrip(" \t\n\f\r")
    if not rest.startswith("="):
        return None
    rest = rest[1:].lstrip(" \t\n\f\r")
    if rest[:1] in ("'", '"'):
        q = rest[0]
        rest = rest[1:].split(q, 1)[0]
    return rest


def verdict(html):
    doc = html5lib.parse(html, treebuilder="etree", scripting=True)
    live, forbidden = [], []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.split("}")[-1]
        ns = tag[: tag.find("}") + 1] if tag.startswith("{") else ""
        if ns == HTML and local == "template":
            return
        attrs = el.attrib
        if local == "script" and ns in (HTML, SVG):
            live.append("script")
        if ns == HTML and local in ACTIVE:
            live.append(local)
        if ns == HTML and local in FORBIDDEN:
            forbidden.append(local)
        for k, v in attrs.items():
            name = k.split("}")[-1].lower() if k != XLINK_HREF else k
            if name.startswith("on"):
                live.append(f"{local}@{name}")
            elif name == "srcdoc":
                live.append(f"{local}@srcdoc")
            elif name in URL_ATTRS and script_url(v):
                live.append(f"{local}@{name}=url")
        if ns == SVG and local in ("animate", "set"):
            target = attrs.get("attributeName", "").strip()
            if target in ("href", "xlink:href"):
                for a in ("to", "from", "values"):
                    for part in attrs.get(a, "").split(";"):
                        if script_url(part):
                            live.append(f"{local}@{a}")
        if ns == HTML and local == "meta" and \
                attrs.get("http-equiv", "").strip().lower() == "refresh":
            u = refresh_url(attrs.get("content"))
            if u is not None and script_url(u):
                live.append("meta@refresh")
        for child in el:
            walk(child)

    walk(doc)
    if live:
        return "live", live
    if forbidden:
        return "forbidden", forbidden
    return "neutral", []


def findings(postlint, site, pack):
    cfg = site / f"postlint-{pack}.yaml"
    cfg.write_text(f"extends: {pack}\n")
    r = subprocess.run([postlint, "check", str(site), "--config", str(cfg), "--format", "json"],
                       cwd=site, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        print(r.stderr, file=sys.stderr)
        sys.exit(2)
    out = {}
    for d in json.loads(r.stdout)["diagnostics"]:
        if d["code"] in SECURITY:
            out.setdefault(Path(d["path"]).name, set()).add(d["code"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--keep")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    postlint = os.environ.get("POSTLINT", str(ROOT / "target/release/postlint"))
    vectors = read_vectors()
    names = [n for n, _ in vectors]
    if len(set(names)) != len(names):
        sys.exit("duplicate vector names")
    site = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="vector-oracle-"))
    if site.exists():
        shutil.rmtree(site)
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: vector oracle\n")
    files = {}
    for i, (name, text) in enumerate(vectors):
        f = f"2020-01-01-v{i:03d}.md"
        files[name] = f
        (site / "_posts" / f).write_text(text, encoding="utf-8")
    render = subprocess.run(["ruby", str(ROOT / "scripts/oracle/render_posts.rb"), str(site)],
                            capture_output=True, text=True)
    if render.returncode != 0:
        print(render.stdout[-2000:], render.stderr[-4000:], file=sys.stderr)
        sys.exit(2)
    pages = json.loads(render.stdout)
    verdicts, why = {}, {}
    for name in names:
        page = pages.get(f"_posts/{files[name]}", {})
        if "output" not in page:
            verdicts[name] = "error"
            why[name] = [page.get("error", "not rendered")]
            continue
        verdicts[name], why[name] = verdict(page["output"])
        if args.verbose:
            print(f"{name}: {verdicts[name]} {why[name]} {page['output'].strip()!r}")
    failed = False
    if args.write:
        VERDICTS.write_text(json.dumps(verdicts, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    elif VERDICTS.exists():
        recorded = json.loads(VERDICTS.read_text(encoding="utf-8"))
        for name in names:
            if recorded.get(name) != verdicts[name]:
                failed = True
                print(f"verdict changed: {name}: recorded {recorded.get(name)}, "
                      f"now {verdicts[name]} {why[name]}")
    summary = {"vectors": len(names)}
    for v in ("live", "forbidden", "neutral", "error"):
        summary[v] = sum(1 for n in names if verdicts[n] == v)
    for pack in ("jekyll", "finews"):
        found = findings(postlint, site, pack)
        missed = false = agree = known = 0
        for name in names:
            v, got = verdicts[name], sorted(found.get(files[name], ()))
            if v == "error":
                continue
            if name in KNOWN_MISSED:
                known += 1
                if got or v not in ("live", "forbidden"):
                    failed = True
                    print(f"known-missed ({pack}) is not missed: {name} [{v}, {', '.join(got)}]")
                continue
            if v in ("live", "forbidden") and not got:
                missed += 1
                print(f"missed ({pack}): {name} [{v}: {', '.join(why[name])}]")
            elif v == "neutral" and got:
                false += 1
                print(f"false ({pack}): {name} [{', '.join(got)}]")
            else:
                agree += 1
        summary[pack] = {"agree": agree, "missed": missed, "false": false, "known_missed": known}
        failed |= bool(missed or false)
    if summary["error"]:
        failed = True
        for n in names:
            if verdicts[n] == "error":
                print(f"error: {n}: {why[n]}")
    print(json.dumps(summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
