//! Writes the synthetic data set the tall examples and the benchmark read:
//! `cargo run --release --features tall --example tall_gen_data -- DIR ROWS FILES [npy]`
//! (defaults: /tmp/mla-tall 1000000 4). Columns x1…x20, y (0/1), t; with
//! `npy`, the same rows also in DIR/data.npy for NumPy.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().map_or("/tmp/mla-tall", String::as_str);
    let rows: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let files: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let npy = args.get(3).is_some_and(|s| s == "npy");
    match mla_tall::write::synthetic(dir, rows, files, 42, npy) {
        Ok(()) => println!("wrote {rows} rows in {files} Parquet files to {dir}"),
        Err(e) => {
            eprintln!("gen_data: {e}");
            std::process::exit(1);
        }
    }
}
