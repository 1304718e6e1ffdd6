#!/usr/bin/env bash
# Many findings: 20,000 posts with 50 unclosed `<span>` each (1,000,000 HT001 findings, every
# body different), checked in each format beside `cat` of every file: wall time, peak RSS and
# output size of one run each, with the binary given (default target/release/postlint) and, if
# a second binary is given, that one too (e.g. an older build, to compare).
#
#   bash bench/findings.sh [POSTLINT [OTHER_POSTLINT]]
#
# The corpus goes to ${BENCH_DIR:-/tmp/postlint-bench}/findings (generated once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bins=("${1:-$root/target/release/postlint}")
[ $# -ge 2 ] && bins+=("$2")
dir="${BENCH_DIR:-/tmp/postlint-bench}/findings"
if [ ! -f "$dir/.done" ]; then
  mkdir -p "$dir"
  python3 - "$dir" <<'PY'
import os, sys
root = sys.argv[1]
open(os.path.join(root, "postlint.yaml"), "w").write("extends: jekyll\n")
for i in range(20000):
    d = os.path.join(root, "_posts", f"{i % 100:02d}")
    os.makedirs(d, exist_ok=True)
    body = "".join(f"<span>未闭合的标签 {i}-{j}\n\n" for j in range(50))
    open(os.path.join(d, f"2021-12-08-{i:05d}.md"), "w").write(
        f'---\nlayout: post\ntitle: "标题{i}"\ndate: 2021-12-08 10:30:00 +0800\n---\n\n{body}')
PY
  touch "$dir/.done"
fi
cd "$dir"
measure() { # label, command: wall s, peak RSS MB, output MB
  /usr/bin/time -f "%e %M" -o /tmp/postlint-findings.time bash -c "$2 > /tmp/postlint-findings.out || true"
  read -r wall rss < /tmp/postlint-findings.time
  size=$(stat -c %s /tmp/postlint-findings.out)
  printf '| %s | %.2f s | %.1f MB | %.1f MB |\n' "$1" "$wall" "$(echo "$rss/1024" | bc -l)" "$(echo "$size/1000000" | bc -l)"
}
echo "| run | wall | peak RSS | output |"
echo "|---|---|---|---|"
measure cat "find _posts -type f -print0 | xargs -0 cat"
for f in json sarif human; do
  for b in "${bins[@]}"; do
    measure "$f ($(basename "$b"))" "$b check --format $f --color never"
  done
done
rm -f /tmp/postlint-findings.out /tmp/postlint-findings.time
