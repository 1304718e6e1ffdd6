#!/usr/bin/env python3
"""Diff the oracle's JSON (Jekyll) against read_site's (examples/site_json.rs).

  python3 oracle/compare.py [--postlint BIN] [--oracle-json F] [oracle/run.rb options] SITE

With --postlint, the Rust side is `BIN site --format json` (postlint's command) instead of
examples/site_json.rs.

Runs oracle/run.rb (unless --oracle-json), then the Rust side with the same options and
the oracle's site.time, and prints every difference: files (matched by path, or by generator
and url for generated pages), the unread files, and the config values both dump.
Exit status 1 when there is a difference.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)

FIELDS = ["kind", "collection", "written", "skipped", "url", "destination", "date",
          "slug", "categories", "tags", "read_error", "generator"]
CONFIG_KEYS = ["baseurl", "url", "permalink", "timezone", "collections_dir", "include",
               "exclude", "keep_files", "markdown_ext", "future", "unpublished", "limit_posts",
               "safe", "plugins"]


def norm(v):
    if isinstance(v, str) and v.startswith("!error"):
        return "!error"
    return v


def key(f):
    if f["path"] is None:
        return ("generated", f["generator"], f["url"])
    return ("file", f["path"], f["kind"])


def main():
    args = sys.argv[1:]
    postlint = None
    if args and args[0] == "--postlint":
        postlint = args[1]
        args = args[2:]
    oracle_json = None
    if args and args[0] == "--oracle-json":
        oracle_json = args[1]
        args = args[2:]
    site = args[-1]
    opts = args[:-1]
    if oracle_json is None:
        fd, oracle_json = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        subprocess.run(["ruby", os.path.join(HERE, "run.rb")] + opts + [site, oracle_json],
                       check=True)
    oracle = json.load(open(oracle_json))
    rust_opts = []
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("--config", "--limit-posts"):
            rust_opts += [o, opts[i + 1]]
            i += 2
            continue
        if o in ("--drafts", "--unpublished", "--future", "--safe"):
            rust_opts.append(o)
        i += 1
    t = (oracle.get("config") or {}).get("time")
    if t:
        rust_opts += ["--time", t]
    if postlint:
        cmd = [postlint, "site", "--format", "json"] + [
            "--jekyll-config" if o == "--config" else o for o in rust_opts] + [site]
    else:
        cmd = [os.path.join(CRATE, "target", "release", "examples", "site_json")] + rust_opts + [site]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    rust = json.loads(out)

    diffs = []
    if bool(oracle.get("fatal")) != bool(rust.get("fatal")):
        diffs.append(("fatal", (oracle.get("fatal") or "")[-300:], rust.get("fatal")))
    if oracle.get("fatal"):
        # Jekyll stopped (and so do we): nothing else to compare.
        print(f"{site}: the build stops on both sides; {len(diffs)} differences")
        for d in diffs:
            print("  ", json.dumps(d, ensure_ascii=False)[:400])
        sys.exit(1 if diffs else 0)
    for k in CONFIG_KEYS:
        a = (oracle.get("config") or {}).get(k)
        b = rust["config"].get(k)
        if k == "plugins" and oracle.get("dropped_plugins"):
            a = (a or []) + oracle["dropped_plugins"]
            a = [p for p in b if p in a] if isinstance(b, list) else a
        if a != b:
            diffs.append(("config", k, a, b))
    om, rm = {}, {}
    for f in oracle.get("files", []):
        om.setdefault(key(f), []).append(f)
    for f in rust.get("files", []):
        rm.setdefault(key(f), []).append(f)
    for k in sorted(set(om) | set(rm), key=str):
        a, b = om.get(k, []), rm.get(k, [])
        if len(a) != len(b):
            diffs.append(("count", k, len(a), len(b)))
            continue
        for fa, fb in zip(sorted(a, key=str), sorted(b, key=str)):
            for fld in FIELDS:
                if norm(fa.get(fld)) != norm(fb.get(fld)):
                    diffs.append((fld, k, fa.get(fld), fb.get(fld)))
    ou, ru = set(oracle.get("unread", [])), set(rust.get("unread", []))
    for p in sorted(ou - ru):
        diffs.append(("unread", p, "unread by jekyll", "read by rust"))
    for p in sorted(ru - ou):
        diffs.append(("unread", p, "read by jekyll", "unread by rust"))
    n = len(oracle.get("files", []))
    print(f"{site}: {n} oracle files, {len(rust.get('files', []))} rust files, "
          f"{len(ou)} unread; {len(diffs)} differences")
    for d in diffs[:200]:
        print("  ", json.dumps(d, ensure_ascii=False)[:400])
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
