//! A Ballista scheduler or executor for tall matrices (feature `ballista`):
//! see `mla_tall::node` and docs/tall.md. Exits 2 on a usage error, 1 when
//! the node fails.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let role = match mla_tall::node::parse(&args) {
        Ok(role) => role,
        Err(e) => {
            eprintln!("mla-ballista-node: {e}");
            std::process::exit(2);
        }
    };
    eprintln!("mla-ballista-node: starting {role:?}");
    if let Err(e) = mla_tall::node::run(role) {
        eprintln!("mla-ballista-node: {e}");
        std::process::exit(1);
    }
}
