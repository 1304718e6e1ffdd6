#!/bin/bash
# usage: mk.sh NAME "config lines" ; posts from stdin as "filename<TAB>front matter (\n escaped)"
name=$1; cfg=$2
rm -rf $name; mkdir -p $name/src/_posts
printf "%b\n" "$cfg" > $name/src/_config.yml
while IFS=$'\t' read -r f fm; do
  mkdir -p "$(dirname "$name/src/$f")"
  printf -- "---\n%b\n---\nDATE={{ page.date }} URL={{ page.url }} TITLE={{ page.title }} SLUG={{ page.slug }}\n" "$fm" > "$name/src/$f"
done
