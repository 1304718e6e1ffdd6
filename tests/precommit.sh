#!/usr/bin/env bash
# The hook through the real pre-commit (from PyPI): a fresh git repo with a good and a bad post;
# `pre-commit try-repo <this repo> postlint --files …` must pass the good one and fail the bad
# one with its diagnostic. Run by .ci/run (it needs `pip install pre-commit` and builds the hook
# with cargo, as pre-commit's `language: rust` does).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
command -v pre-commit >/dev/null || python3 -m pip install -q pre-commit
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.email ci@example.invalid
git config user.name ci
mkdir -p _posts
printf 'extends: finews\n' > postlint.yaml
tail='<https://finance.eastmoney.com/news/1345,202112080000000001.html>

[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)'
printf -- '---\nlayout: post\ntitle: "沪指午后震荡走高"\ndate: 2021-12-08 10:30:00 +0800\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n沪指午后震荡走高。\n\n%s\n' "$tail" > _posts/2021-12-08-202112080000000001.md
printf -- '---\nlayout: post\ntitle: "两市成交额突破万亿"\ndate: 2021-12-08 10:18:31\ncategories: emnews\ntags: 东财滚动新闻\n---\n\n两市成交额突破万亿元。\n\n%s\n' "${tail/0000000001/0000000002}" > _posts/2021-12-08-202112080000000002.md
git add -A
git commit -qm posts

echo "pre-commit: the good post (the first run builds the hook)"
started=$SECONDS
pre-commit try-repo "$repo" postlint --files _posts/2021-12-08-202112080000000001.md --color never > good.log 2>&1 || {
  cat good.log
  echo "FAIL: the hook rejected a clean post"
  exit 1
}
echo "pre-commit: first run, building the hook included: $((SECONDS - started)) s"
echo "pre-commit: the bad post"
if pre-commit try-repo "$repo" postlint --files _posts/2021-12-08-202112080000000002.md --color never > bad.log 2>&1; then
  cat bad.log
  echo "FAIL: the hook passed a post with a date without a time zone"
  exit 1
fi
grep -q "DT007" bad.log || { cat bad.log; echo "FAIL: the hook's output lacks DT007"; exit 1; }
grep -q "Jekyll reads a timestamp without a zone as UTC" bad.log || { cat bad.log; echo "FAIL: the hook's output lacks the message"; exit 1; }
# A staged copy of the committed good post: the cross-file rules see the whole site.
cp _posts/2021-12-08-202112080000000001.md _posts/2021-12-08-202112080000000003.md
git add _posts/2021-12-08-202112080000000003.md
echo "pre-commit: a staged copy of a committed post"
if pre-commit try-repo "$repo" postlint --files _posts/2021-12-08-202112080000000003.md --color never > dup.log 2>&1; then
  cat dup.log
  echo "FAIL: the hook passed a staged copy of a committed post"
  exit 1
fi
grep -q "XF001" dup.log || { cat dup.log; echo "FAIL: the hook's output lacks XF001"; exit 1; }
echo "pre-commit: 3 passed, 0 failed"
