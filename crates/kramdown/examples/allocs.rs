//! Count allocations while parsing the Markdown bodies under the given directories:
//! `allocs REPS DIR...`. Prints nodes, bytes parsed and allocations.
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

struct Counting;
static ALLOCS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        BYTES.fetch_add(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        BYTES.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.realloc(p, l, n) }
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let a0 = ALLOCS.load(std::sync::atomic::Ordering::Relaxed);
    let b0 = BYTES.load(std::sync::atomic::Ordering::Relaxed);
    for _ in 0..reps {
        for d in &docs {
            n += kramdown::parse(d, &opts).nodes.len();
            bytes += d.len();
        }
    }
    let a = ALLOCS.load(std::sync::atomic::Ordering::Relaxed) - a0;
    let b = BYTES.load(std::sync::atomic::Ordering::Relaxed) - b0;
    println!(
        "{n} nodes, {bytes} bytes; {a} allocations ({:.2} per node, {:.1} per KB), {b} bytes allocated",
        a as f64 / n.max(1) as f64,
        a as f64 * 1000.0 / bytes.max(1) as f64
    );
}
