# Sourced by bench/run.sh, bench/scale.sh and bench/body.sh: build postlint and the corpus generator, and
# `corpus N`: generate the N-post corpus once (seed 1) under $bench, enter it, warm the page
# cache, and set `bytes` to the size of its posts.
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin postlint --example gen_corpus
postlint="$root/target/release/postlint"
gen="$root/target/release/examples/gen_corpus"

corpus() {
  local dir="$bench/$1"
  [ -d "$dir/_posts" ] || "$gen" --posts "$1" --out "$dir" --seed 1 >/dev/null
  cd "$dir"
  bytes=$(du -sb _posts | cut -f1)
  find _posts -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache
}
