//! The builtins the `tall` feature adds to an interpreter's registry:
//! `tall`, `gather`, `head` and `tall_engine`.

use crate::engine;
use crate::plan::Tall;
use crate::run;
use crate::source::Source;
use crate::value::{as_tall, settle, transposed_alone, TallValue};
use mla_runtime::builtins::{Gradient, Implementation};
use mla_runtime::{Builtin, CallContext, Clash, Registry, Result, RuntimeError, Value};

/// Rows `head(T)` shows when no count is given (as MATLAB).
const HEAD_ROWS: usize = 8;

/// Adds the tall builtins to `registry`.
pub fn register(registry: &mut Registry) -> std::result::Result<(), Clash> {
    for b in table() {
        registry.add(b)?;
    }
    Ok(())
}

fn entry(
    name: &'static str,
    min_args: usize,
    max_args: usize,
    signature: &'static str,
    doc: &'static str,
    f: fn(&mut CallContext<'_>, &[Value]) -> Result<Value>,
) -> Builtin {
    Builtin {
        name,
        min_args,
        max_args,
        outputs: if name == "gather" { usize::MAX } else { 1 },
        signature,
        doc,
        group: "tall matrices",
        func: Implementation::Fn(f),
        gradient: Gradient::None,
        // Each reads files or the engine's state.
        pure: false,
    }
}

/// The entries, in the order `help` lists them.
pub fn table() -> Vec<Builtin> {
    vec![
        entry(
            "tall",
            1,
            1,
            "tall(source)",
            "a tall matrix: rows streamed from Parquet or CSV files (\"data/*.parquet\"), or from an in-memory matrix; operations build a plan that gather runs",
            tall,
        ),
        entry(
            "gather",
            1,
            usize::MAX,
            "gather(A, B, ...)",
            "computes tall results (T' * T, mean(T), …) in one pass per source and brings talls into memory; other values pass through",
            gather,
        ),
        entry(
            "head",
            1,
            2,
            "head(T, k)",
            "the first k rows of a tall (8 when k is not given), as a matrix",
            head,
        ),
        entry(
            "tall_engine",
            0,
            1,
            "tall_engine(spec)",
            "the engine tall plans run on: \"local\" (DataFusion on this machine) or \"ballista://host:port\"; with no argument, the current one",
            tall_engine,
        ),
    ]
}

fn tall(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let v = &args[0];
    if as_tall(v).is_some() {
        return Ok(v.clone());
    }
    let source = match v {
        Value::Str(path) if !cx.host.files_unrestricted() => {
            // DataFusion opens the files (and expands globs) itself, where
            // the host's jail cannot check each path it reaches.
            return Err(RuntimeError::Denied {
                path: path.to_string(),
                reason: "tall matrices read files through DataFusion, which this program's file policy cannot check".into(),
            }
            .at_arg(0));
        }
        Value::Str(path) => {
            let engine = engine::current()?;
            Source::files(&engine, path).map_err(|e| e.at_arg(0))?
        }
        Value::Num(_) | Value::Matrix(_) | Value::Bool(_) | Value::Logical(_) => {
            Source::memory(&*v.to_matrix()?)?
        }
        other => {
            return Err(RuntimeError::ty(
                "a path to Parquet or CSV files, or a matrix",
                other.describe(),
            )
            .at_arg(0))
        }
    };
    Ok(TallValue::Tall(Tall::of_source(source)).into_value())
}

fn gather(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if cx.nout > args.len() {
        return Err(RuntimeError::TooManyOutputs {
            name: "gather".into(),
            asked: cx.nout,
            has: args.len(),
        });
    }
    run::compute_among(args)?;
    let mut out = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        out.push(match as_tall(a) {
            Some(TallValue::Deferred(d)) => settle(d).map_err(|e| e.at_arg(i))?,
            Some(TallValue::Tall(t)) => {
                Value::matrix(run::collect(t, None).map_err(|e| e.at_arg(i))?)
            }
            Some(TallValue::Transposed(t)) => Value::matrix(
                run::collect(t, None)
                    .map_err(|e| e.at_arg(i))?
                    .t()
                    .to_owned(),
            ),
            None => a.clone(),
        });
    }
    Ok(if out.len() == 1 {
        out.pop().unwrap_or(Value::Num(0.0))
    } else {
        Value::tuple(out)
    })
}

fn head(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let k = match args.get(1) {
        Some(k) => k.to_count("the number of rows").map_err(|e| e.at_arg(1))?,
        None => HEAD_ROWS,
    };
    match as_tall(&args[0]) {
        Some(TallValue::Tall(t)) => Ok(Value::matrix(run::collect(t, Some(k))?)),
        Some(TallValue::Transposed(_)) => Err(transposed_alone().at_arg(0)),
        Some(TallValue::Deferred(_)) | None => {
            Err(RuntimeError::ty("a tall matrix", args[0].describe()).at_arg(0))
        }
    }
}

fn tall_engine(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let engine = match args.first() {
        Some(spec) => {
            engine::select(spec.to_str().map_err(|e| e.at_arg(0))?).map_err(|e| e.at_arg(0))?
        }
        None => engine::current()?,
    };
    Ok(Value::str(engine.name.as_str()))
}
