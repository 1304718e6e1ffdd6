#!/usr/bin/env python3
"""The body oracle, end to end: what the HT and LK rules read of a post against the page Jekyll
publishes, parsed as a browser parses it.

Generated documents (crates/kramdown's grammar of kramdown, GFM and HTML constructs: `kgen`) are
written as posts of one site (`layout: null`, `render_with_liquid: false`, so the page is exactly
kramdown's HTML), rendered by Debian's `jekyll` (scripts/oracle/render_posts.rb: Jekyll's Renderer on each
post, so a post kramdown fails on is counted, not fatal), and each page is parsed with html5lib. For each
post `postlint inspect --format json` says what the rules see (`seen`: live start tags with their
decoded attributes, IAL attributes, links with decoded targets). Compared, as sets:

  links     (element, attribute, target) for every URL attribute the link rules read
            (a href, img src/srcset, iframe src, form action, …; Markdown links are a href/img src)
  handlers  (attribute, value) for every on* attribute (HT008)
  elements  the names of the elements HT007 forbids (script, iframe, object, embed, form, style,
            base, meta, link, frame, frameset, applet)

"missed" = on the page, not seen by postlint (a rule cannot fire: the dangerous direction);
"extra"  = seen by postlint, not on the page (a possible false finding).
A difference that the browser alone makes (html5lib restructuring what kramdown wrote) is
reported too, but classified: kramdown's own HTML output is also tokenised (html5lib's
tokenizer, no tree construction), and a difference present already in kramdown's tokens is
postlint's; one that only tree construction makes is the browser's (raw text, foreign content:
the HTML5-parsing issue).

  scripts/body-oracle.py [--seed N] [--count N] [--docs FILE.jsonl] [--keep DIR] [--verbose]
                         [--liquid]

--liquid: Liquid as Jekyll renders it before kramdown (issue 17). Each document gets Liquid
constructs spliced in at random lines (`liquid_document`): markup printed by `{{ 'X' }}`, by a
front matter value (`{{ page.v0 }}`), by `{% raw %}`, `{% include %}`, `assign`/`append`,
`capture`, filters, loops; taken and untaken branches, comments, unprinted captures, escaped
output; links built from `{{ site.url }}`/`{{ site.baseurl }}`. The posts are rendered with
Liquid (no `render_with_liquid: false`) in a site with a `url`, a `baseurl` and `_includes/`.

Exit 1 when the page has a link, handler or forbidden element that postlint does not see (as
kramdown's tokens show it); other differences are printed and counted. Needs ruby, jekyll, html5lib
(python3-html5lib); POSTLINT=path picks the binary (default target/release/postlint);
KGEN=path the generator (default: built with cargo).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import html5lib
from html5lib import constants

ROOT = Path(__file__).resolve().parent.parent
URL_ATTRS = {
    ("a", "href"), ("area", "href"), ("link", "href"), ("img", "src"), ("img", "srcset"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"),
    ("audio", "src"), ("track", "src"), ("iframe", "src"), ("embed", "src"),
    ("script", "src"), ("object", "data"), ("form", "action"),
}
FORBIDDEN = {"script", "iframe", "object", "embed", "form", "style", "base", "meta", "link",
             "frame", "frameset", "applet"}


# Start tags that end foreign content (HTML §13.2.6.5, "any other start tag" breakouts).
FOREIGN_BREAKOUT = {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl",
                    "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i",
                    "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby",
                    "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u",
                    "ul", "var"}
# Foreign elements inside which HTML is parsed again (HTML and MathML text integration points).
INTEGRATION_POINTS = {"svg": {"foreignobject", "desc", "title"},
                      "math": {"mi", "mo", "mn", "ms", "mtext", "annotation-xml"}}


def srcset_urls(value):
    out = []
    for part in value.split(","):
        words = part.split()
        if words:
            out.append(words[0])
    return out


def fold(value):
    """A handler's value with white space folded: kramdown writes a newline in a span tag's
    attribute as a space, and a tag spread over block-quote lines carries their markers in
    the source; HT008 judges the name."""
    return " ".join((value or "").replace(">", " ").split())


def generated(name, attrs):
    """A link kramdown makes itself (footnote references and back links, the table of
    contents): always to an anchor it also writes, not a link the rules judge."""
    cls = (attrs.get("class") or "").split()
    href = attrs.get("href") or ""
    toc = href.startswith("#") and (attrs.get("id") or "").endswith("-" + href[1:])
    return name == "a" and ("footnote" in cls or "reversefootnote" in cls or toc)


def add_attr(view, name, attr, value):
    if (name, attr) in URL_ATTRS and value is not None:
        if attr == "srcset":
            for u in srcset_urls(value):
                view["links"].add((name, attr, u))
        else:
            view["links"].add((name, attr, " ".join(value.split())))
    if attr.startswith("on"):
        view["handlers"].add((attr, fold(value)))


# Markup for the Liquid constructs to print (double quotes only: they go inside Liquid's
# single-quoted strings and YAML's single-quoted scalars).
FRAGMENTS = [
    '<a href="javascript:alert(1)">x</a>', '<img src="/i.png" onerror="alert(2)">',
    '<script>a()</script>', '<iframe src="https://e.example/f"></iframe>',
    '<a href="https://e.example/p">p</a>', '[md](https://e.example/md)',
    '<span onclick="b()">s</span>', '<form action="/post"><input name="q"></form>',
    '<img src="https://e.example/i.png" alt="i">', '<a href="vbscript:x">v</a>',
    '![im](/img/{{ 1 }}.png)', '<style>p</style>', '<object data="/o.swf"></object>',
]
INCLUDES = 4


def liquid_construct(rng, fm):
    """One Liquid construct printing (or not) a fragment; `fm` collects front matter values."""
    x = rng.choice(FRAGMENTS)
    half = rng.randrange(1, len(x))
    k = len(fm)
    forms = [
        lambda: "{{ '%s' }}" % x,
        lambda: "{%% raw %%}%s{%% endraw %%}" % x,
        lambda: (fm.append(x), "{{ page.v%d }}" % k)[1],
        lambda: "{%% assign a = '%s' %%}{{ a | append: '%s' }}" % (x[:half], x[half:]),
        lambda: "{%% capture c %%}%s{%% endcapture %%}{{ c }}" % x,
        lambda: "{%% capture c %%}%s{%% endcapture %%}" % x,
        lambda: "{%% if false %%}%s{%% endif %%}" % x,
        lambda: "{%% if true %%}%s{%% else %%}<b>no</b>{%% endif %%}" % x,
        lambda: "{%% unless true %%}%s{%% endunless %%}" % x,
        lambda: "{%% comment %%}%s{%% endcomment %%}" % x,
        lambda: "{%% include f%d.html %%}" % rng.randrange(INCLUDES),
        lambda: "{{ '%s' | escape }}" % x,
        lambda: "{{ '%s' | upcase }}" % x,
        lambda: "{{ '%s' | strip_html }}" % x,
        lambda: "{%% for i in (1..2) %%}%s{%% endfor %%}" % x,
        lambda: "[l]({{ site.url }}{{ site.baseurl }}/a/{{ page.slug }}/)",
        lambda: '<a href="{{ site.baseurl }}/b/">b</a>',
        lambda: "{%% if page.v%d %%}%s{%% endif %%}" % (k, x),
        lambda: "{{ page.date }}",
        lambda: "{%% highlight html %%}\n%s\n{%% endhighlight %%}" % x,
    ]
    return rng.choice(forms)()


def liquid_document(text, rng):
    """The document with Liquid constructs spliced in, and its front matter values."""
    lines = text.split("\n")
    fm = []
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(lines) + 1)
        c = liquid_construct(rng, fm)
        if rng.random() < 0.5:
            lines[at:at] = ["", c, ""]
        elif at < len(lines):
            lines[at] = lines[at] + " " + c
        else:
            lines.append(c)
    return "\n".join(lines), fm


def empty_view():
    return {"links": set(), "handlers": set(), "elements": set()}


def page_view(html):
    """What a browser builds from the page (html5lib tree construction). The post's HTML is
    what a layout puts inside its `<body>`: parsed there (a leading `<noscript>` or `<meta>`
    stays in the body, not in a `<head>` of its own; a `<body onclick>` in the post adds its
    handler to the layout's body, as in the browser)."""
    view = empty_view()
    doc = html5lib.parse("<!DOCTYPE html><html><head></head><body><div>" + html
                         + "</div></body></html>", treebuilder="etree",
                         namespaceHTMLElements=False)
    stack = [doc]
    while stack:
        el = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.startswith("{"):
            tag = tag.split("}", 1)[1]
        tag = tag.lower()
        if tag in FORBIDDEN:
            view["elements"].add(tag)
        attrs = {(k.split("}", 1)[-1] if k.startswith("{") else k).lower(): v
                 for k, v in el.attrib.items()}
        if not generated(tag, attrs):
            for k, v in attrs.items():
                add_attr(view, tag, k, v)
        # html5lib builds with scripting off; where script runs, <noscript> holds raw text.
        # A <template>'s content is a fragment the page never shows or runs (html5lib keeps
        # it as children): not part of the page.
        if tag not in ("noscript", "template"):
            stack.extend(list(el))
    return view


def token_view(html):
    """kramdown's HTML as a stream of tags (html5lib's tokenizer, no tree construction); raw
    text elements (script, style, textarea, title, …) are read as the tokenizer's states say,
    which needs the tree builder's hint, so this is approximate for those."""
    view = empty_view()
    from html5lib._tokenizer import HTMLTokenizer
    tok = HTMLTokenizer(html)
    start = constants.tokenTypes["StartTag"]
    end = constants.tokenTypes["EndTag"]
    template = 0  # open <template>s: their content is not the page's
    # Elements open in foreign content (inside <svg>/<math>: a start tag there never switches
    # the tokenizer to raw text — `<math><script>` is a MathML element whose content is
    # markup), each with whether it is an integration point (HTML parsing inside it).
    foreign = []
    for t in tok:
        kind = t.get("type")
        data = t.get("data") or []
        items = list(data.items() if isinstance(data, dict) else data)
        if kind == end:
            ename = t["name"].lower()
            if ename == "template":
                template = max(0, template - 1)
            if foreign and foreign[-1][0] == ename:
                foreign.pop()
        if kind != start:
            continue
        name = t["name"].lower()
        if template:
            template += name == "template"
            continue
        template += name == "template"  # the template's own attributes are the page's
        in_foreign = bool(foreign) and not foreign[-1][1]
        if in_foreign and (name in FOREIGN_BREAKOUT or (name == "font" and any(
                k.lower() in ("color", "face", "size") for k, _ in items))):
            foreign.clear()  # the tree builder pops back to HTML
            in_foreign = False
        closed = t.get("selfClosing")
        if name in ("svg", "math"):
            in_foreign = True
            if not closed:
                foreign.append((name, False))
        elif in_foreign and not closed:
            root = next((n for n, _ in reversed(foreign) if n in ("svg", "math")), "")
            foreign.append((name, name in INTEGRATION_POINTS.get(root, ())))
        if name in FORBIDDEN:
            view["elements"].add(name)
        attrs = {}
        for k, v in items:
            attrs.setdefault(k.lower(), v)
        if not generated(name, attrs):
            for k, v in attrs.items():
                add_attr(view, name, k, v)
        if in_foreign:
            continue
        if name in ("script", "style", "xmp", "iframe", "noembed", "noframes", "noscript"):
            tok.state = tok.rawtextState if name != "script" else tok.scriptDataState
        elif name in ("textarea", "title"):
            tok.state = tok.rcdataState
        elif name == "plaintext":
            tok.state = tok.plaintextState
    return view


def postlint_view(seen):
    """What the rules see, and (second) the copies of duplicated attributes kramdown drops,
    which postlint judges too (a browser reading the source would keep the first)."""
    view = empty_view()
    shadowed = empty_view()
    for e in seen["elements"]:
        name = e["name"]
        if e["from"] == "html" and name in FORBIDDEN:
            view["elements"].add(name)
        for a in e["attrs"]:
            if a.get("shadowed"):
                add_attr(shadowed, name, a["name"], a["value"])
            elif a["name"].startswith("on"):
                view["handlers"].add((a["name"], fold(a["value"])))
    for link in seen["links"]:
        if link["source"] == "emptyautolink" or link.get("as_text"):
            continue  # `<>`, `[x](url with space)`: text on the page, which LK005/LK001 flag
        if link["element"]:
            el, attr = link["element"].split(" ", 1)
        else:
            el, attr = ("img", "src") if link["image"] else ("a", "href")
        view["links"].add((el, attr, " ".join(link["url"].split())))
    return view, shadowed


def diff(a, mine):
    b, shadowed = mine
    out = {}
    for key in a:
        missed = sorted(map(repr, a[key] - b[key]))
        extra = sorted(map(repr, b[key] - a[key] - shadowed[key]))
        if missed or extra:
            out[key] = {"missed": missed, "extra": extra}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--keep")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--docs", help="JSON lines {name, text} to use instead of kgen's")
    ap.add_argument("--liquid", action="store_true", help="splice Liquid into the documents")
    args = ap.parse_args()
    postlint = os.environ.get("POSTLINT", str(ROOT / "target/release/postlint"))
    if args.docs:
        lines = Path(args.docs).read_text(encoding="utf-8").splitlines()
    else:
        kgen = os.environ.get("KGEN")
        if not kgen:
            subprocess.run(["cargo", "build", "--release", "-q", "-p", "kramdown", "--example",
                            "kgen"], cwd=ROOT, check=True)
            kgen = str(ROOT / "target/release/examples/kgen")
        lines = subprocess.run([kgen, str(args.seed), str(args.count)], capture_output=True,
                               text=True, check=True).stdout.splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]

    site = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="body-oracle-"))
    if site.exists():
        shutil.rmtree(site)
    (site / "_posts").mkdir(parents=True)
    names = []
    if args.liquid:
        import random
        rng = random.Random(args.seed)
        (site / "_config.yml").write_text(
            "title: body oracle\nurl: https://site.example\nbaseurl: /base\n")
        (site / "_includes").mkdir()
        for i in range(INCLUDES):
            (site / "_includes" / f"f{i}.html").write_text(rng.choice(FRAGMENTS) + "\n")
        # kgen's documents include `x.html` and link to the post `x`.
        (site / "_includes" / "x.html").write_text(rng.choice(FRAGMENTS) + "\n")
        (site / "_posts" / "2020-01-01-x.md").write_text("---\ntitle: x\n---\nx\n")
    else:
        (site / "_config.yml").write_text("title: body oracle\n")
    for i, d in enumerate(docs):
        name = f"d{i:05d}"
        names.append(name)
        text = d["text"]
        if args.liquid:
            text, fm = liquid_document(text, rng)
            head = "---\nlayout: null\n" + "".join(
                f"v{k}: '{v}'\n" for k, v in enumerate(fm)) + "---\n"
        else:
            head = "---\nlayout: null\nrender_with_liquid: false\n---\n"
        docs[i]["text"] = text
        (site / "_posts" / f"2020-01-01-{name}.md").write_text(head + text, encoding="utf-8")
    def limit():  # kramdown's output can grow without bound on some documents
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))

    render = subprocess.run(["ruby", str(ROOT / "scripts/oracle/render_posts.rb"), str(site)],
                            capture_output=True, text=True, preexec_fn=limit)
    if render.returncode != 0:
        print(render.stdout[-2000:], render.stderr[-4000:], file=sys.stderr)
        sys.exit(2)
    pages = json.loads(render.stdout)

    def inspect(name):
        path = site / "_posts" / f"2020-01-01-{name}.md"
        r = subprocess.run([postlint, "inspect", str(path), "--format", "json"], cwd=site,
                           capture_output=True, text=True)
        if r.returncode != 0:
            return name, None, r.stderr
        return name, json.loads(r.stdout)["seen"], None

    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = {n: (s, err) for n, s, err in pool.map(inspect, names)}

    totals = {"documents": len(names), "identical": 0, "postlint": 0, "missed": 0,
              "browser_only": 0, "kramdown_failed": 0}
    bad = []
    for i, name in enumerate(names):
        page = pages.get(f"_posts/2020-01-01-{name}.md", {})
        if "output" not in page:
            totals["kramdown_failed"] += 1
            if args.verbose:
                why = str(page.get("error", "no output"))[:200]
                print(f"{name} ({docs[i]['name']}): kramdown fails: {why}")
            continue
        html = page["output"]
        s, err = seen[name]
        if s is None:
            bad.append((name, docs[i]["name"], {"error": err}))
            totals["postlint"] += 1
            continue
        mine = postlint_view(s)
        tokens = diff(token_view(html), mine)
        browser = diff(page_view(html), mine)
        if not tokens and not browser:
            totals["identical"] += 1
        elif tokens:
            totals["postlint"] += 1
            if any(d["missed"] for d in tokens.values()):
                totals["missed"] += 1
            bad.append((name, docs[i]["name"], tokens))
        else:
            totals["browser_only"] += 1
            if args.verbose:
                print(f"{name} ({docs[i]['name']}): the browser only: {json.dumps(browser)}")
    for name, gen_name, d in bad[:40]:
        print(f"{name} ({gen_name}): {json.dumps(d, ensure_ascii=False)}")
    print(json.dumps(totals))
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)
    # Fails on what the rules cannot see (a link, a handler, a forbidden element on the page
    # that postlint does not read); the rest is reported.
    sys.exit(1 if totals["missed"] else 0)


if __name__ == "__main__":
    main()
