//! A Ballista scheduler or executor for tall matrices (feature `ballista`):
//! see `mla_tall::node` and docs/tall.md.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = mla_tall::node::parse(&args).and_then(mla_tall::node::run);
    if let Err(e) = outcome {
        eprintln!("mla-ballista-node: {e}");
        std::process::exit(2);
    }
}
