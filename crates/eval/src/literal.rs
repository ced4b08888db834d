//! Matrix literals: `[a, b; c, d]` with block concatenation.

use crate::error::{ErrorKind, EvalError};
use crate::interp::{Ctx, Interpreter};
use crate::resolved::RExpr;
use mla_parser::Span;
use mla_runtime::error::plural;
use mla_runtime::value::check_alloc;
use mla_runtime::Value;
use ndarray::{concatenate, Array2, Axis};

type Result<T> = std::result::Result<T, EvalError>;

impl Interpreter {
    pub(crate) fn matrix_literal(
        &mut self,
        cx: &Ctx,
        rows: &[Vec<RExpr>],
        span: Span,
    ) -> Result<Value> {
        let mut blocks: Vec<(Array2<f64>, Span)> = Vec::with_capacity(rows.len());
        // With gradients being traced (inside grad), the pieces are kept to be
        // placed again by the tape: (value, row, column offsets).
        let mut traced: Vec<Vec<(Value, usize)>> = Vec::new();
        let mut any_traced = false;
        let mut all_logical = true;
        let mut any_element = false;
        for row in rows {
            let mut parts: Vec<(Array2<f64>, Span)> = Vec::with_capacity(row.len());
            let mut originals: Vec<Value> = Vec::with_capacity(row.len());
            let mut strings: Vec<String> = Vec::new();
            for e in row {
                let v = self.eval(cx, e)?;
                any_element = true;
                if let Value::Str(s) = &v {
                    strings.push(s.to_string());
                    continue;
                }
                all_logical &= matches!(v, Value::Bool(_) | Value::Logical(_));
                any_traced |= matches!(v, Value::Traced(_));
                let plain = mla_runtime::value::strip(&v);
                originals.push(v);
                let m = plain
                    .to_matrix()
                    .map_err(|err| cx.runtime_err(err, e.span))?
                    .into_owned();
                parts.push((m, e.span));
            }
            if !strings.is_empty() {
                if !parts.is_empty() {
                    return Err(cx
                        .err(
                            ErrorKind::Type,
                            "a matrix cannot mix strings with numbers",
                            span,
                        )
                        .with_help(
                            "join strings with + or [\"a\" \"b\"]; format numbers with sprintf",
                        ));
                }
                if rows.len() > 1 {
                    return Err(cx
                        .err(
                            ErrorKind::Type,
                            "strings cannot be stacked in rows: a string is one value, not a row of characters",
                            span,
                        )
                        .with_help(
                            "join strings on one row with [\"ab\" \"cd\"] or \"ab\" + \"cd\"; keep several apart in a tuple (\"ab\", \"cd\")",
                        ));
                }
                return Ok(Value::str(strings.concat()));
            }
            // Empty 0×0 pieces drop out, as in MATLAB ([[] 1] is 1).
            let keep: Vec<bool> = parts.iter().map(|(m, _)| m.dim() != (0, 0)).collect();
            parts.retain(|(m, _)| m.dim() != (0, 0));
            if parts.is_empty() {
                continue;
            }
            let mut col = 0;
            let mut placed = Vec::new();
            for ((v, k), (m, _)) in originals
                .into_iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .zip(&parts)
            {
                debug_assert!(k);
                placed.push((v, col));
                col += m.ncols();
            }
            traced.push(placed);
            let h = parts[0].0.nrows();
            if let Some((bad, bspan)) = parts.iter().find(|(m, _)| m.nrows() != h) {
                return Err(cx
                    .err(
                        ErrorKind::Shape,
                        format!(
                            "cannot put a {}×{} block beside a {}×{} block: row counts {} and {} differ",
                            bad.nrows(),
                            bad.ncols(),
                            parts[0].0.nrows(),
                            parts[0].0.ncols(),
                            bad.nrows(),
                            h
                        ),
                        *bspan,
                    )
                    .and_label(parts[0].1, format!("{}×{}", parts[0].0.nrows(), parts[0].0.ncols())));
            }
            let width: usize = parts.iter().map(|(m, _)| m.ncols()).sum();
            check_alloc(h, width).map_err(|e| cx.runtime_err(e, span))?;
            let row_span = parts[0].1.to(parts[parts.len() - 1].1);
            let views: Vec<_> = parts.iter().map(|(m, _)| m.view()).collect();
            let joined = concatenate(Axis(1), &views).expect("row counts checked");
            blocks.push((joined, row_span));
        }
        if blocks.is_empty() {
            return Ok(Value::matrix(Array2::zeros((0, 0))));
        }
        let w = blocks[0].0.ncols();
        if let Some((bad, bspan)) = blocks.iter().find(|(m, _)| m.ncols() != w) {
            return Err(cx
                .err(
                    ErrorKind::Shape,
                    format!(
                        "cannot stack a row of {} under a row of {}: every row of a matrix needs the same width",
                        plural(bad.ncols(), "column"),
                        plural(w, "column")
                    ),
                    *bspan,
                )
                .and_label(blocks[0].1, plural(w, "column")));
        }
        let height: usize = blocks.iter().map(|(m, _)| m.nrows()).sum();
        check_alloc(height, w).map_err(|e| cx.runtime_err(e, span))?;
        if any_traced {
            let mut pieces = Vec::new();
            let mut row = 0;
            for (placed, (block, _)) in traced.into_iter().zip(&blocks) {
                for (v, col) in placed {
                    pieces.push((v, row, col));
                }
                row += block.nrows();
            }
            return mla_runtime::ops::concat_traced(&pieces, (height, w))
                .map_err(|e| cx.runtime_err(e, span));
        }
        let views: Vec<_> = blocks.iter().map(|(m, _)| m.view()).collect();
        let m = concatenate(Axis(0), &views).expect("widths checked");
        if all_logical && any_element {
            return Ok(Value::logical(m.mapv(|x| x != 0.0)));
        }
        Ok(Value::matrix(m))
    }
}
