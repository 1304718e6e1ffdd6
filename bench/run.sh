#!/usr/bin/env bash
# Benchmark postlint against the floor of reading the same bytes and the linters a user would
# otherwise run, side by side in one run, on generated finews-shaped corpora.
#
#   bash bench/run.sh [SIZES...]        # default: 100000; e.g. bash bench/run.sh 10000 100000 300000
#
# Installs what it needs if missing: hyperfine (Debian), rumdl (PyPI), markdownlint-cli2 (npm,
# into bench/.tools). Corpora go to ${BENCH_DIR:-/tmp/postlint-bench}/N (generated once, seed 1).
# Prints a Markdown table: median wall time over the runs, the ratio to `cat`, peak RSS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000)
bench="${BENCH_DIR:-/tmp/postlint-bench}"
tools="$root/bench/.tools"
mkdir -p "$bench" "$tools"

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }
command -v rumdl >/dev/null || python3 -m pip install -q rumdl
[ -x "$tools/node_modules/.bin/markdownlint-cli2" ] || (cd "$tools" && npm install --silent --no-save markdownlint-cli2 >/dev/null)
mdl="$tools/node_modules/.bin/markdownlint-cli2"

. "$root/bench/corpus.sh"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "postlint $("$postlint" --version | cut -d' ' -f2); rumdl $(rumdl --version | awk '{print $2}'); markdownlint-cli2 $("$mdl" --help 2>/dev/null | head -1 | awk '{print $2}')"
echo

peak() { # peak RSS in MB of a command (run in the corpus folder)
  { /usr/bin/time -f %M bash -c "$1 || true" 2>&1 >/dev/null || true; } | tail -1 | awk '{printf "%.0f", $1/1024}'
}

for n in "${sizes[@]}"; do
  corpus "$n"
  slow_runs=3; [ "$n" -ge 300000 ] && slow_runs=1
  # cat: the floor of reading the same bytes; postlint: every offline rule, JSON to /dev/null;
  # rumdl and markdownlint-cli2 on the same files with their default rules.
  hyperfine --style none --warmup 1 --runs 5 --ignore-failure --export-json "$bench/fast-$n.json" \
    -n cat "find _posts -type f -print0 | xargs -0 cat > /dev/null" \
    -n postlint "$postlint check --format json > /dev/null" \
    -n rumdl "rumdl check --no-cache _posts > /dev/null 2>&1" >/dev/null
  hyperfine --style none --runs "$slow_runs" --ignore-failure --export-json "$bench/slow-$n.json" \
    -n markdownlint-cli2 "$mdl '_posts/**/*.md' > /dev/null 2>&1" >/dev/null
  mem_postlint=$(peak "$postlint check --format json > /dev/null")
  mem_rumdl=$(peak "rumdl check --no-cache _posts > /dev/null 2>&1")
  mem_mdl=$(peak "$mdl '_posts/**/*.md' > /dev/null 2>&1")
  python3 - "$bench/fast-$n.json" "$bench/slow-$n.json" "$n" "$bytes" "$mem_postlint" "$mem_rumdl" "$mem_mdl" <<'PY'
import json, sys
fast, slow, n, size, mp, mr, mm = sys.argv[1:]
res = json.load(open(fast))["results"] + json.load(open(slow))["results"]
med = {r["command"]: r["median"] for r in res}
mem = {"postlint": mp, "rumdl": mr, "markdownlint-cli2": mm, "cat": "–"}
cat = med["cat"]
print(f"{int(n):,} posts ({int(size)/1e6:.0f} MB):\n")
print("| tool | median | × cat | × postlint | peak RSS |")
print("|---|---|---|---|---|")
for name in ["cat", "postlint", "rumdl", "markdownlint-cli2"]:
    m = med[name]
    print(f"| {name} | {m:.2f} s | {m/cat:.1f} | {m/med['postlint']:.1f} | {mem[name]} MB |")
print()
PY
done
