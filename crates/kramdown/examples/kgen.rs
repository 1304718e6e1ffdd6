//! Print generated documents as JSON lines: `kgen FIRST_SEED COUNT`.
#[path = "../tests/common/docgen.rs"]
mod docgen;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let first: u64 = args.get(1).and_then(|x| x.parse().ok()).unwrap_or(0);
    let count: u64 = args.get(2).and_then(|x| x.parse().ok()).unwrap_or(1000);
    for s in first..first + count {
        println!(
            "{}",
            serde_json::json!({"name": format!("seed {s}"), "text": docgen::document(s)})
        );
    }
}
