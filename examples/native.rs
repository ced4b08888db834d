//! Functions written in Rust, called from MLA: a typed one, one with state
//! (a cache of features the host computes once), and one that calls an MLA
//! function back. They show in `help` like builtins, and their errors point
//! at the call in the script.
//!
//! Run with `cargo run --example native`.

use mla::ndarray::Array2;
use mla::{Interpreter, SharedBuffer, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn main() -> Result<(), mla::Error> {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());

    // Typed: the arguments are converted, and a wrong one is an error at it.
    mla.register(
        "clip01",
        "clip01(X): clamps every element to [0, 1]",
        |x: Array2<f64>| x.mapv(|v| v.clamp(0.0, 1.0)),
    )?;

    // State: features by user id, computed once and shared by every call.
    let cache: Arc<Mutex<HashMap<u64, Vec<f64>>>> = Arc::default();
    let computed = Arc::new(Mutex::new(0usize));
    let (store, count) = (cache.clone(), computed.clone());
    mla.register(
        "features",
        "features(id): the host's feature vector for a user",
        move |id: usize| -> Result<Vec<f64>, String> {
            if id == 0 {
                return Err("user ids start at 1".into());
            }
            let mut cache = store.lock().map_err(|e| e.to_string())?;
            let v = cache.entry(id as u64).or_insert_with(|| {
                *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                vec![id as f64 / 10.0, 1.0 / id as f64]
            });
            Ok(v.clone())
        },
    )?;

    // Context: calls the function value it is given, back in MLA.
    mla.register_with_context(
        "best_of",
        "best_of(f, ids): the id whose features f scores highest",
        |ctx, args| {
            let f: Value = args.get(0)?;
            let ids: Vec<f64> = args.get(1)?;
            let mut best = (f64::NEG_INFINITY, 0.0);
            for id in ids {
                let x = ctx.call_named("features", (id,))?;
                let score: f64 = ctx.call(&f, (x,))?.to()?;
                if score > best.0 {
                    best = (score, id);
                }
            }
            Ok(Value::new(best.1))
        },
    )?;

    mla.set("w", vec![2.0, -1.0]);
    mla.run(
        "score = (x) -> clip01(w' * x);
         winner = best_of(score, [1 2 3 4 5 3 2])
         help features",
    )?;
    print!("{}", out.take());
    assert_eq!(mla.get::<f64>("winner")?, 5.0);
    // five distinct users, each computed once
    assert_eq!(*computed.lock().unwrap(), 5);

    // The host's error, shown at the call in the script.
    let e = mla.run_named("<scoring>", "x = features(0)").unwrap_err();
    eprint!("{}", e.render());
    assert_eq!(e.kind(), mla::ErrorKind::Host);
    assert_eq!(e.line_col(), Some((1, 5)));
    Ok(())
}
