//! Throughput of `kramdown::parse` beside pulldown-cmark 0.13, per document
//! mix: `bench [NAME=DIR[:DIR...]]...` (Markdown files under each DIR, front
//! matter stripped; default: the test fixture). Each measurement is the best
//! of several rounds (the machine is shared and noisy).
use std::time::Instant;

fn collect(dir: &std::path::Path, out: &mut Vec<String>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut es: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        es.sort();
        for p in es {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "markdown")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                out.push(body(&t).to_string());
            }
        }
    }
}

/// The post body: the text after the YAML front matter.
fn body(t: &str) -> &str {
    let Some(rest) = t
        .strip_prefix("---\n")
        .or_else(|| t.strip_prefix("---\r\n"))
    else {
        return t;
    };
    let mut off = 0;
    for line in rest.split_inclusive('\n') {
        off += line.len();
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return rest.get(off..).unwrap_or("");
        }
    }
    t
}

fn best<F: FnMut() -> usize>(rounds: usize, mut f: F) -> (f64, usize) {
    let mut b = f64::MAX;
    let mut r = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        r = f();
        b = b.min(t.elapsed().as_secs_f64());
    }
    (b, r)
}

fn run(name: &str, docs: &[String]) {
    let total: usize = docs.iter().map(|d| d.len()).sum();
    let reps = (10_000_000 / total.max(1)).clamp(1, 2000);
    let mb = (total * reps) as f64 / 1e6;
    println!(
        "== {name}: {} documents, {} bytes, x{} ({:.1} MB per round)",
        docs.len(),
        total,
        reps,
        mb
    );
    let opts = kramdown::Options::jekyll();
    let mut po = pulldown_cmark::Options::empty();
    po.insert(pulldown_cmark::Options::ENABLE_TABLES);
    po.insert(pulldown_cmark::Options::ENABLE_FOOTNOTES);
    po.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    po.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
    let rounds = 5;
    let (e, n) = best(rounds, || {
        let mut nodes = 0;
        for _ in 0..reps {
            for d in docs {
                nodes += kramdown::parse(d, &opts).nodes.len();
            }
        }
        nodes
    });
    let kp = mb / e;
    println!("kramdown::parse            {kp:8.1} MB/s ({n} nodes)");
    let (e, n) = best(rounds, || {
        let mut ev = 0;
        for _ in 0..reps {
            for d in docs {
                ev += pulldown_cmark::Parser::new_ext(d, po)
                    .into_offset_iter()
                    .count();
            }
        }
        ev
    });
    let pc = mb / e;
    println!("pulldown-cmark offset_iter {pc:8.1} MB/s ({n} events)");
    let (e, n) = best(rounds, || {
        let mut out = 0;
        for _ in 0..reps {
            for d in docs {
                out += kramdown::to_html(&kramdown::parse(d, &opts)).len();
            }
        }
        out
    });
    println!("kramdown::parse + to_html  {:8.1} MB/s ({n} bytes)", mb / e);
    let (e, n) = best(rounds, || {
        let mut out = 0;
        for _ in 0..reps {
            for d in docs {
                let mut s = String::new();
                pulldown_cmark::html::push_html(&mut s, pulldown_cmark::Parser::new_ext(d, po));
                out += s.len();
            }
        }
        out
    });
    println!("pulldown-cmark push_html   {:8.1} MB/s ({n} bytes)", mb / e);
    println!("parse / offset_iter: {:.2}x slower", pc / kp);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        run(
            "fixture",
            &[include_str!("../tests/fixtures/post.md").to_string()],
        );
        return;
    }
    for a in args {
        let (name, dirs) = a.split_once('=').unwrap_or((a.as_str(), a.as_str()));
        let mut docs = Vec::new();
        for d in dirs.split(':') {
            collect(std::path::Path::new(d), &mut docs);
        }
        run(name, &docs);
    }
}
