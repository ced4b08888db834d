//! Running plans: the reductions waiting on one source become one
//! DataFusion aggregate query (one pass over the data, however many
//! results), and rows asked back (`head`, `gather(T)`) one projection.

use crate::engine::{self, engine_err, Engine};
use crate::plan::{Agg, Deferred, Empty, Tall};
use crate::value::{as_tall, TallValue};
use datafusion::arrow::array::{Array, Float64Array, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::prelude::{lit, Expr};
use futures::StreamExt;
use mla_runtime::value::check_alloc;
use mla_runtime::{Result, RuntimeError, Value};
use ndarray::Array2;
use std::collections::HashMap;

/// Computes the deferred results among `args` (builtin arguments), one
/// pass per source.
pub fn compute_among(args: &[Value]) -> Result<()> {
    let deferred: Vec<&Deferred> = args
        .iter()
        .filter_map(|a| match as_tall(a) {
            Some(TallValue::Deferred(d)) => Some(d),
            _ => None,
        })
        .collect();
    compute(&deferred)
}

/// Computes every deferred result not yet computed, one pass per source.
pub fn compute(items: &[&Deferred]) -> Result<()> {
    let pending: Vec<&Deferred> = items
        .iter()
        .copied()
        .filter(|d| d.value.get().is_none())
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let engine = engine::current()?;
    let mut by_source: Vec<Vec<&Deferred>> = Vec::new();
    for d in pending {
        match by_source
            .iter_mut()
            .find(|g| g[0].source.id() == d.source.id())
        {
            Some(g) => g.push(d),
            None => by_source.push(vec![d]),
        }
    }
    for group in by_source {
        one_pass(&engine, &group)?;
    }
    Ok(())
}

/// One aggregate query for results over one source.
fn one_pass(engine: &Engine, group: &[&Deferred]) -> Result<()> {
    let mut slots: HashMap<&Agg, usize> = HashMap::new();
    let mut aggs: Vec<&Agg> = Vec::new();
    for d in group {
        for a in &d.aggs {
            slots.entry(a).or_insert_with(|| {
                aggs.push(a);
                aggs.len() - 1
            });
        }
    }
    let exprs = aggs
        .iter()
        .enumerate()
        .map(|(i, a)| Ok(a.filtered()?.alias(format!("a{i}"))))
        .collect::<datafusion::error::Result<Vec<Expr>>>()
        .map_err(engine_err)?;
    let source = group[0].source.clone();
    let batches = engine.block_on(async {
        let frame = source.frame(engine, false).await?;
        frame.aggregate(vec![], exprs)?.collect().await
    })?;
    let row = single_row(&batches, aggs.len())?;
    for d in group {
        let values: Vec<f64> = d
            .entries
            .iter()
            .map(|&e| {
                let x = row[slots[&d.aggs[e]]];
                match (x, d.empty) {
                    (Some(x), _) => x,
                    (None, Empty::Zero) => 0.0,
                    (None, Empty::NaN) => f64::NAN,
                }
            })
            .collect();
        let m = Array2::from_shape_vec(d.shape, values)
            .map_err(|e| RuntimeError::Domain(format!("tall result: {e}")))?;
        let _ = d.value.set(Value::matrix(m));
    }
    Ok(())
}

/// The one row an aggregate without groups gives, each entry as f64
/// (`None` where SQL gives NULL: no rows).
fn single_row(batches: &[RecordBatch], n: usize) -> Result<Vec<Option<f64>>> {
    let batch = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| RuntimeError::Domain("tall engine: an aggregate gave no row".into()))?;
    if batch.num_columns() != n {
        return Err(RuntimeError::Domain(format!(
            "tall engine: expected {n} aggregates, got {}",
            batch.num_columns()
        )));
    }
    (0..n)
        .map(|j| {
            let col = float_column(batch, j)?;
            Ok(if col.is_null(0) {
                None
            } else {
                Some(col.value(0))
            })
        })
        .collect()
}

/// The number of rows `tall` keeps (a pass, cached for unmasked talls).
pub fn rows(tall: &Tall) -> Result<usize> {
    if tall.mask.is_none() {
        if let Some(n) = tall.source.known_rows() {
            return Ok(n);
        }
    }
    let d = Deferred::new(
        tall,
        vec![count(lit(1i64))],
        (1, 1),
        Empty::Zero,
        "rows".into(),
    );
    compute(&[&d])?;
    let n = d.value.get().and_then(Value::as_scalar).unwrap_or(0.0) as usize;
    if tall.mask.is_none() {
        tall.source.set_rows(n);
    }
    Ok(n)
}

/// The rows of `tall` (the first `limit` if given) as a matrix, in file
/// order.
pub fn collect(tall: &Tall, limit: Option<usize>) -> Result<Array2<f64>> {
    let engine = engine::current()?;
    let p = tall.ncols();
    let cols: Vec<Expr> = tall
        .cols
        .iter()
        .enumerate()
        .map(|(j, e)| e.clone().alias(format!("c{j}")))
        .collect();
    let mask = tall.mask.clone();
    let source = tall.source.clone();
    let parts = engine.block_on(async {
        let mut frame = source.frame(&engine, true).await?;
        if let Some(m) = mask {
            frame = frame.filter(m)?;
        }
        // One partition, read as a stream and stopped after `limit` rows:
        // DataFusion's own limit may read files out of order.
        let mut stream = frame.select(cols)?.execute_stream().await?;
        let mut batches = Vec::new();
        let mut have = 0;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            have += batch.num_rows();
            batches.push(batch);
            if limit.is_some_and(|k| have >= k) {
                break;
            }
        }
        Ok(vec![batches])
    })?;
    let n: usize = parts.iter().flatten().map(|b| b.num_rows()).sum();
    let n = limit.map_or(n, |k| n.min(k));
    check_alloc(n, p)?;
    let mut out = Array2::zeros((n, p));
    let mut at = 0;
    for batch in parts.iter().flatten() {
        let take = batch.num_rows().min(n - at);
        for j in 0..p {
            let col = float_column(batch, j)?;
            for i in 0..take {
                out[[at + i, j]] = if col.is_null(i) {
                    f64::NAN
                } else {
                    col.value(i)
                };
            }
        }
        at += take;
    }
    Ok(out)
}

/// Column `j` of `batch` as f64 numbers (DataFusion may type a sum or a
/// count otherwise).
fn float_column(batch: &RecordBatch, j: usize) -> Result<Float64Array> {
    let col = cast(batch.column(j), &DataType::Float64)
        .map_err(|e| RuntimeError::Domain(format!("tall engine: {e}")))?;
    col.as_any()
        .downcast_ref::<Float64Array>()
        .cloned()
        .ok_or_else(|| RuntimeError::Domain("tall engine: not a number column".into()))
}
