//! Parse the Markdown bodies under the given directories `REPS` times (for
//! callgrind/perf): `prof REPS DIR...`. Prints nodes and bytes parsed.
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

fn main() {
    let mut args = std::env::args().skip(1);
    let reps: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut docs = Vec::new();
    for a in args {
        let mut stack = vec![std::path::PathBuf::from(a)];
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
                    docs.push(body(&t).to_string());
                }
            }
        }
    }
    let opts = kramdown::Options::jekyll();
    let mut n = 0;
    let mut bytes = 0;
    for _ in 0..reps {
        for d in &docs {
            n += kramdown::parse(d, &opts).nodes.len();
            bytes += d.len();
        }
    }
    println!("{n} nodes, {bytes} bytes");
}
