//! The deferred plans: a tall is one DataFusion expression per column over
//! its source's rows (and a row mask); a reduction of talls is a list of
//! DataFusion aggregates waiting for a pass. Both are made only of
//! DataFusion's built-in expressions and aggregates, so any DataFusion or
//! Ballista executor runs them without MLA code.

use crate::source::Source;
use datafusion::logical_expr::ExprFunctionExt;
use datafusion::prelude::{lit, Expr};
use mla_runtime::{Result, RuntimeError, Value};
use std::sync::{Arc, OnceLock};

/// A tall matrix: rows streamed from a source, columns computed.
#[derive(Clone, Debug)]
pub struct Tall {
    /// Where the rows come from.
    pub source: Arc<Source>,
    /// One Float64 expression per column.
    pub cols: Vec<Expr>,
    /// The rows kept (`T[mask, :]`), as a boolean expression.
    pub mask: Option<Expr>,
    /// Whether its columns are 0/1 truths (from comparisons).
    pub logical: bool,
    /// How it was made, for display: `sigmoid(X * w)` and so on.
    pub recipe: String,
}

impl Tall {
    /// Every column of a source.
    pub fn of_source(source: Arc<Source>) -> Tall {
        let cols = (0..source.names.len()).map(|j| source.column(j)).collect();
        Tall {
            recipe: format!("tall({})", source.label()),
            source,
            cols,
            mask: None,
            logical: false,
        }
    }

    /// The number of columns.
    pub fn ncols(&self) -> usize {
        self.cols.len()
    }

    /// A tall of the same rows with other columns.
    pub fn with_cols(&self, cols: Vec<Expr>, logical: bool, recipe: String) -> Tall {
        Tall {
            source: self.source.clone(),
            cols,
            mask: self.mask.clone(),
            logical,
            recipe,
        }
    }

    /// The columns of `self * w` for an in-memory `w` with one row per
    /// column: each a sum of this tall's columns times `w`'s numbers.
    pub fn times(&self, w: &ndarray::Array2<f64>) -> Vec<Expr> {
        (0..w.ncols())
            .map(|k| {
                (0..self.ncols())
                    .map(|j| self.cols[j].clone() * lit(w[[j, k]]))
                    .reduce(|acc, e| acc + e)
                    .unwrap_or_else(|| lit(0.0))
            })
            .collect()
    }

    /// Checks that `other` has the same rows (same source, same mask), so
    /// their columns may be combined row by row; else says what differs.
    pub fn check_same_rows(&self, other: &Tall, what: &str) -> Result<()> {
        if self.source.id() != other.source.id() {
            return Err(RuntimeError::Domain(format!(
                "{what}: the two talls come from different sources ({} and {}), so their rows do not line up; take both from one `tall(...)`",
                self.source.label(),
                other.source.label()
            )));
        }
        if self.mask != other.mask {
            return Err(RuntimeError::Domain(format!(
                "{what}: the two talls keep different rows (masks differ); index both with the same mask"
            )));
        }
        Ok(())
    }
}

/// How an aggregate's result reads when no rows were kept.
#[derive(Clone, Copy, Debug)]
pub enum Empty {
    /// Sums and counts are 0.
    Zero,
    /// Means, variances, extremes are NaN.
    NaN,
}

/// One aggregate of a reduction: the expression (without its mask) and
/// the rows it sees.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Agg {
    /// The aggregate, e.g. `sum(a * b)`.
    pub expr: Expr,
    /// Only rows where this holds count.
    pub mask: Option<Expr>,
}

impl Agg {
    /// The expression with its mask as an aggregate `FILTER`, so that
    /// reductions over different masks of one source share a pass.
    pub fn filtered(&self) -> datafusion::error::Result<Expr> {
        match &self.mask {
            Some(m) => self.expr.clone().filter(m.clone()).build(),
            None => Ok(self.expr.clone()),
        }
    }
}

/// A small result of talls, not yet computed: a matrix of aggregates.
#[derive(Debug)]
pub struct Deferred {
    /// The source the aggregates read.
    pub source: Arc<Source>,
    /// The aggregates, one per distinct entry.
    pub aggs: Vec<Agg>,
    /// What each entry of the result (row-major) is: an index into `aggs`.
    pub entries: Vec<usize>,
    /// The result's shape.
    pub shape: (usize, usize),
    /// What no rows give.
    pub empty: Empty,
    /// How it was made, for display.
    pub recipe: String,
    /// The value once a pass computed it.
    pub value: OnceLock<Value>,
}

impl Deferred {
    /// A result whose entries are `exprs` in row-major order, each over the
    /// rows `tall` keeps.
    pub fn new(
        tall: &Tall,
        exprs: Vec<Expr>,
        shape: (usize, usize),
        empty: Empty,
        recipe: String,
    ) -> Deferred {
        let entries = (0..exprs.len()).collect();
        let aggs = exprs
            .into_iter()
            .map(|expr| Agg {
                expr,
                mask: tall.mask.clone(),
            })
            .collect();
        Deferred {
            source: tall.source.clone(),
            aggs,
            entries,
            shape,
            empty,
            recipe,
            value: OnceLock::new(),
        }
    }

    /// The same aggregate in several entries, computed once (`T' * T` is
    /// symmetric: only its upper triangle is summed).
    pub fn with_entries(
        tall: &Tall,
        exprs: Vec<Expr>,
        entries: Vec<usize>,
        shape: (usize, usize),
        empty: Empty,
        recipe: String,
    ) -> Deferred {
        let mut d = Deferred::new(tall, exprs, shape, empty, recipe);
        d.entries = entries;
        d
    }
}
