//! Operators on talls, lowered to DataFusion expressions: elementwise with
//! numbers, row vectors and talls of the same rows; `T * W` for a small
//! `W`; `T' * U` as sums of products; column selection and row masks.

use crate::plan::{Deferred, Empty, Tall};
use crate::value::{as_tall, settled, transposed_alone, TallValue};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::math::expr_fn::power;
use datafusion::functions_aggregate::expr_fn::sum;
use datafusion::prelude::{cast, lit, Expr};
use mla_runtime::{IndexArg, Op, Result, RuntimeError, Value};

/// Recipes longer than this are cut for display.
const RECIPE_MAX: usize = 160;

fn recipe(s: String) -> String {
    if s.chars().count() <= RECIPE_MAX {
        s
    } else {
        let cut: String = s.chars().take(RECIPE_MAX).collect();
        format!("{cut}…")
    }
}

/// One side of an elementwise operation.
enum Operand<'a> {
    Tall(&'a Tall),
    /// A 1×q row (a number is a 1×1 row).
    Row(Vec<f64>),
}

impl Operand<'_> {
    fn width(&self) -> usize {
        match self {
            Operand::Tall(t) => t.ncols(),
            Operand::Row(r) => r.len(),
        }
    }

    fn column(&self, j: usize) -> Expr {
        match self {
            Operand::Tall(t) => t.cols[if t.ncols() == 1 { 0 } else { j }].clone(),
            Operand::Row(r) => lit(r[if r.len() == 1 { 0 } else { j }]),
        }
    }

    fn label(&self) -> String {
        match self {
            Operand::Tall(t) => t.recipe.clone(),
            Operand::Row(r) if r.len() == 1 => mla_runtime::display::format_scalar(r[0]),
            Operand::Row(r) => format!("<1×{} row>", r.len()),
        }
    }
}

fn operand(v: &Value) -> Result<Operand<'_>> {
    match as_tall(v) {
        Some(TallValue::Tall(t)) => return Ok(Operand::Tall(t)),
        Some(TallValue::Transposed(_)) => return Err(transposed_alone()),
        _ => {}
    }
    match v {
        Value::Num(_) | Value::Bool(_) => Ok(Operand::Row(vec![v.to_scalar()?])),
        Value::Matrix(_) | Value::Logical(_) if v.shape().0 == 1 => {
            Ok(Operand::Row(v.to_matrix()?.iter().copied().collect()))
        }
        other => Err(RuntimeError::Domain(format!(
            "{} cannot line up with a tall's rows: combine a tall with numbers, 1×n rows, or talls of the same source",
            other.describe()
        ))),
    }
}

/// `a op b` where one side is a tall value.
pub fn binary(op: Op, a: &Value, b: &Value) -> Result<Value> {
    // A small result of talls is a plain matrix once computed.
    let (sa, sb) = (settled(a)?, settled(b)?);
    if as_tall(&sa).is_none() && as_tall(&sb).is_none() {
        return mla_runtime::ops::binary(op, &sa, &sb, &mut Vec::new());
    }
    let (a, b) = (&sa, &sb);
    match op {
        Op::MatMul => matmul(a, b),
        Op::RightDiv if b.as_scalar().is_some() => elementwise(op, a, b),
        Op::Add | Op::Sub | Op::ElemMul | Op::ElemDiv | Op::ElemPow => elementwise(op, a, b),
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::And | Op::Or => {
            elementwise(op, a, b)
        }
        Op::RightDiv | Op::LeftDiv | Op::Pow => Err(RuntimeError::Domain(format!(
            "`{op}` is not defined on tall matrices ({} and {}): use elementwise operators, `T * W`, or `T' * U`",
            a.describe(),
            b.describe()
        ))),
    }
}

fn truth(e: Expr) -> Expr {
    e.not_eq(lit(0.0))
}

fn as_number(e: Expr) -> Expr {
    cast(e, DataType::Float64)
}

fn elementwise(op: Op, a: &Value, b: &Value) -> Result<Value> {
    let (x, y) = (operand(a)?, operand(b)?);
    let base = match (&x, &y) {
        (Operand::Tall(s), Operand::Tall(t)) => {
            s.check_same_rows(t, &format!("`{op}`"))?;
            *s
        }
        (Operand::Tall(t), _) | (_, Operand::Tall(t)) => *t,
        _ => unreachable_operands()?,
    };
    let (p, q) = (x.width(), y.width());
    let w = if p == q || q == 1 {
        p
    } else if p == 1 {
        q
    } else {
        return Err(RuntimeError::Domain(format!(
            "`{op}`: widths {p} and {q} do not match (nor is one of them 1)"
        )));
    };
    let logical = matches!(
        op,
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::And | Op::Or
    );
    let cols = (0..w)
        .map(|j| {
            let (l, r) = (x.column(j), y.column(j));
            Ok(match op {
                Op::Add => l + r,
                Op::Sub => l - r,
                Op::ElemMul | Op::MatMul => l * r,
                Op::ElemDiv | Op::RightDiv => l / r,
                // As the in-memory `.^`: a square is a product.
                Op::ElemPow if y.width() == 1 && matches!(&y, Operand::Row(v) if v[0] == 2.0) => {
                    l.clone() * l
                }
                Op::ElemPow => power(l, r),
                Op::Eq => as_number(l.eq(r)),
                Op::Ne => as_number(l.not_eq(r)),
                Op::Lt => as_number(l.lt(r)),
                Op::Le => as_number(l.lt_eq(r)),
                Op::Gt => as_number(l.gt(r)),
                Op::Ge => as_number(l.gt_eq(r)),
                Op::And => as_number(truth(l).and(truth(r))),
                Op::Or => as_number(truth(l).or(truth(r))),
                Op::LeftDiv | Op::Pow => {
                    return Err(RuntimeError::Domain(format!(
                        "`{op}` is not elementwise: it does not apply to talls"
                    )))
                }
            })
        })
        .collect::<Result<Vec<Expr>>>()?;
    let text = recipe(format!("{} {op} {}", x.label(), y.label()));
    Ok(TallValue::Tall(base.with_cols(cols, logical, text)).into_value())
}

fn unreachable_operands() -> Result<&'static Tall> {
    Err(RuntimeError::Domain(
        "a tall operation without a tall operand".into(),
    ))
}

fn matmul(a: &Value, b: &Value) -> Result<Value> {
    if a.as_scalar().is_some() || b.as_scalar().is_some() {
        return elementwise(Op::ElemMul, a, b);
    }
    match (as_tall(a), as_tall(b)) {
        (Some(TallValue::Transposed(s)), Some(TallValue::Tall(t))) => {
            s.check_same_rows(t, "`'*`")?;
            Ok(TallValue::Deferred(cross(s, t)).into_value())
        }
        (Some(TallValue::Tall(t)), None) => {
            let w = b.to_matrix()?;
            if w.nrows() != t.ncols() {
                return Err(RuntimeError::Domain(format!(
                    "`*`: a tall with {} columns times a {}×{} matrix: inner sizes differ",
                    t.ncols(),
                    w.nrows(),
                    w.ncols()
                )));
            }
            let cols = t.times(&w);
            let text = recipe(format!("{} * <{}×{} matrix>", t.recipe, w.nrows(), w.ncols()));
            Ok(TallValue::Tall(t.with_cols(cols, false, text)).into_value())
        }
        (Some(TallValue::Transposed(_)), _) | (_, Some(TallValue::Transposed(_))) => {
            Err(transposed_alone())
        }
        _ => Err(RuntimeError::Domain(format!(
            "`*` of {} and {}: a tall multiplies a small matrix on its right (`T * W`), or stands transposed on the left of a tall (`T' * U`)",
            a.describe(),
            b.describe()
        ))),
    }
}

/// `S' * T`: every sum of products of a column of `s` with one of `t`,
/// each computed once when `s` and `t` are the same tall (symmetric).
pub fn cross(s: &Tall, t: &Tall) -> Deferred {
    let (p, q) = (s.ncols(), t.ncols());
    let symmetric = s.cols == t.cols;
    let mut exprs = Vec::new();
    let mut entries = vec![0; p * q];
    for i in 0..p {
        for j in 0..q {
            if symmetric && j < i {
                entries[i * q + j] = entries[j * q + i];
                continue;
            }
            entries[i * q + j] = exprs.len();
            exprs.push(sum(s.cols[i].clone() * t.cols[j].clone()));
        }
    }
    let text = recipe(format!("({})' * ({})", s.recipe, t.recipe));
    Deferred::with_entries(s, exprs, entries, (p, q), Empty::Zero, text)
}

/// `-T`.
pub fn neg(t: &Tall) -> TallValue {
    let cols = t.cols.iter().map(|c| -c.clone()).collect();
    TallValue::Tall(t.with_cols(cols, false, recipe(format!("-({})", t.recipe))))
}

/// `!T`: 1 where an element is 0.
pub fn not(t: &Tall) -> TallValue {
    let cols = t
        .cols
        .iter()
        .map(|c| as_number(c.clone().eq(lit(0.0))))
        .collect();
    TallValue::Tall(t.with_cols(cols, true, recipe(format!("!({})", t.recipe))))
}

/// `T[:, cols]` and `T[mask, :]` (or both).
pub fn index(t: &Tall, args: &[IndexArg]) -> Result<TallValue> {
    let [rows, cols] = args else {
        return Err(RuntimeError::BadIndex(
            "a tall is indexed by two positions: T[:, j] or T[mask, :]".into(),
        ));
    };
    let mut out = t.clone();
    if let IndexArg::Val(c) = cols {
        let keep = column_positions(c, t.ncols())?;
        out.cols = keep.iter().map(|&j| t.cols[j].clone()).collect();
        out.recipe = recipe(format!(
            "{}[:, {}]",
            t.recipe,
            mla_runtime::display::inline(c)
        ));
    }
    if let IndexArg::Val(m) = rows {
        let mask = match as_tall(m) {
            Some(TallValue::Tall(mt)) if mt.ncols() == 1 => {
                t.check_same_rows(mt, "a row mask")?;
                truth(mt.cols[0].clone())
            }
            _ => {
                return Err(RuntimeError::BadIndex(format!(
                    "rows of a tall are chosen by a tall n×1 mask of the same rows (T[T[:, 1] > 0, :]), not {}; head(T, k) gives the first rows",
                    m.describe()
                )))
            }
        };
        out.mask = Some(match &t.mask {
            Some(old) => old.clone().and(mask),
            None => mask,
        });
        out.recipe = recipe(format!("{}[mask, :]", out.recipe));
    }
    Ok(TallValue::Tall(out))
}

/// 0-based column positions from an index value (numbers or a mask).
fn column_positions(v: &Value, p: usize) -> Result<Vec<usize>> {
    let bad = |x: f64| {
        RuntimeError::BadIndex(format!(
            "column {} of a tall with {p} columns: indices run from 1 to {p}",
            mla_runtime::display::format_scalar(x)
        ))
    };
    match v {
        Value::Logical(_) | Value::Bool(_) => {
            let bits = v.to_matrix()?;
            if bits.len() != p {
                return Err(RuntimeError::BadIndex(format!(
                    "a column mask of {} entries for a tall with {p} columns",
                    bits.len()
                )));
            }
            Ok(bits
                .iter()
                .enumerate()
                .filter(|(_, b)| **b != 0.0)
                .map(|(j, _)| j)
                .collect())
        }
        Value::Num(_) | Value::Matrix(_) => v
            .to_matrix()?
            .iter()
            .map(|&x| {
                if x.fract() == 0.0 && x >= 1.0 && x <= p as f64 {
                    Ok(x as usize - 1)
                } else {
                    Err(bad(x))
                }
            })
            .collect(),
        other => Err(RuntimeError::BadIndex(format!(
            "a tall's columns are chosen by numbers, a range or a mask, not {}",
            other.describe()
        ))),
    }
}
