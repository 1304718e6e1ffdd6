#!/usr/bin/env bash
# How postlint's time and memory grow with the site: at each size, in one run on the same
# corpus with a warm page cache, `cat` of every file beside postlint with every offline rule,
# and postlint without the cross-file rules (TX005, XF001, XF002: the only per-post state a run
# keeps is their index). Then a one-file run on the largest site (a pre-commit hook) beside
# `postlint --version` (process start-up alone).
#
#   bash bench/scale.sh [SIZES...]      # default: 10000 100000 300000
#
# Corpora go to ${BENCH_DIR:-/tmp/postlint-bench}/N (generated once, seed 1, as bench/run.sh).
# Prints Markdown tables: hyperfine medians, the ratio to `cat`, median peak RSS of 3 runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 300000)
bench="${BENCH_DIR:-/tmp/postlint-bench}"
mkdir -p "$bench"
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }
. "$root/bench/corpus.sh"
nocross="--ignore TX005,XF001,XF002"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); postlint $("$postlint" --version | cut -d' ' -f2)"
echo

peak() { # median peak RSS in MB of 3 runs of a command (in the corpus folder)
  for _ in 1 2 3; do
    { /usr/bin/time -f %M bash -c "$1 || true" 2>&1 >/dev/null || true; } | tail -1
  done | sort -n | sed -n 2p | awk '{printf "%.1f", $1/1024}'
}

rows=()
for n in "${sizes[@]}"; do
  corpus "$n"
  runs=5; [ "$n" -ge 300000 ] && runs=3
  hyperfine --style none --warmup 1 --runs "$runs" --ignore-failure --export-json "$bench/scale-$n.json" \
    -n cat "find _posts -type f -print0 | xargs -0 cat > /dev/null" \
    -n postlint "$postlint check --format json > /dev/null" \
    -n nocross "$postlint check --format json $nocross > /dev/null" >/dev/null
  mem=$(peak "$postlint check --format json > /dev/null")
  mem_nocross=$(peak "$postlint check --format json $nocross > /dev/null")
  rows+=("$(python3 - "$bench/scale-$n.json" "$n" "$bytes" "$mem" "$mem_nocross" <<'PY'
import json, sys
path, n, size, mem, mem_nc = sys.argv[1:]
med = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
cat = med["cat"]
print(f"| {int(n):,} | {int(size)/1e6:.0f} MB | {cat:.2f} s | {med['postlint']:.2f} s | "
      f"{med['postlint']/cat:.1f} | {mem} MB | {med['nocross']:.2f} s | {mem_nc} MB |")
PY
)")
done
echo "| posts | corpus | cat | postlint | × cat | peak RSS | without cross-file rules | its peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo

# One file of the largest site, as a pre-commit hook runs it, beside process start-up alone.
one=$(find _posts -type f -name '*.md' | sort | sed -n 1000p)
hyperfine --style none --warmup 3 --runs 30 --export-json "$bench/one.json" \
  -n "postlint --version" "$postlint --version" \
  -n "postlint check (one post)" "$postlint check --format json $one > /dev/null || true" >/dev/null
python3 - "$bench/one.json" "$(printf '%s' "${sizes[-1]}")" <<'PY'
import json, sys
res = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
v, c = res["postlint --version"], res["postlint check (one post)"]
print(f"One post of the {int(sys.argv[2]):,}-post site: {c*1000:.1f} ms (process start-up alone: "
      f"{v*1000:.1f} ms; median of 30).")
PY
