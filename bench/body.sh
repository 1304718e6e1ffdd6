#!/usr/bin/env bash
# The body pass as kramdown reads it (kramdown::parse + kramdown_body::analyse) beside the
# CommonMark reading (pulldown-cmark + body::analyse_commonmark), in one binary on one corpus.
#
#   bash bench/body.sh [N]        # default N = 10000 posts
#
# The N-post corpus (bench/corpus.sh, seed 1, under ${BENCH_DIR:-/tmp/postlint-bench}/N) is
# copied once to N-cm with `markdown: CommonMark` added to its _config.yml; then
# `postlint check --format json` runs under callgrind in each folder and this prints, from the
# inclusive instruction counts (callgrind_annotate --inclusive=yes):
#   - the body pass: `postlint::jekyll::body::analyse_as` (it dispatches to the site's reading),
#   - `kramdown::parse` alone (kramdown folder),
#   - the whole `postlint check`,
# for both folders and their ratios (kramdown / CommonMark); then hyperfine runs both folders
# side by side (wall clock; the machine may be shared and noisy: prefer the instruction counts).
# Needs valgrind and hyperfine. HYPERFINE=0 skips the wall-clock runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-10000}"
bench="${BENCH_DIR:-/tmp/postlint-bench}"
mkdir -p "$bench"
. "$root/bench/corpus.sh"
corpus "$n"
kd="$bench/$n"
cm="$bench/$n-cm"
if [ ! -f "$cm/_config.yml" ] || ! grep -q '^markdown: CommonMark' "$cm/_config.yml"; then
  rm -rf "$cm"
  cp -r "$kd" "$cm"
  printf '\nmarkdown: CommonMark\n' >> "$cm/_config.yml"
fi
out="$(mktemp -d)"
for side in kd cm; do
  dir="$kd"; [ "$side" = cm ] && dir="$cm"
  (cd "$dir" && valgrind --tool=callgrind --callgrind-out-file="$out/$side.out" \
    "$postlint" check --format json >/dev/null 2>"$out/$side.err" || true)
  callgrind_annotate --inclusive=yes "$out/$side.out" 2>/dev/null > "$out/$side.txt"
done
python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def cost(side, fn):
    for line in open(f"{out}/{side}.txt"):
        if fn == "TOTAL" and "PROGRAM TOTALS" in line or fn != "TOTAL" and re.search(r":" + re.escape(fn) + r" ", line):
            return int(line.split()[0].replace(",", ""))
    return 0
rows = [("body pass (body::analyse_as)", "postlint::jekyll::body::analyse_as"),
        ("postlint check (total)", "TOTAL")]
print(f"{'':32} {'kramdown':>15} {'CommonMark':>15} {'ratio':>7}")
for name, fn in rows:
    k, c = cost("kd", fn), cost("cm", fn)
    print(f"{name:32} {k:>15,} {c:>15,} {k / max(c, 1):>7.2f}")
print(f"{'kramdown::parse (kramdown side)':32} {cost('kd', 'kramdown::parse'):>15,}")
PY
rm -rf "$out"
if [ "${HYPERFINE:-1}" != 0 ]; then
  hyperfine --style basic --warmup 1 --runs 5 \
    -n kramdown "cd '$kd' && '$postlint' check --format json > /dev/null || true" \
    -n CommonMark "cd '$cm' && '$postlint' check --format json > /dev/null || true"
fi
