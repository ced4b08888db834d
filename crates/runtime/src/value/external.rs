//! Values that live outside the runtime: an extension crate (the tall
//! matrices of `mla-tall`, say) hands the runtime an object it knows only
//! through this trait. Operators, indexing and builtin calls that meet one
//! ask it first, so the extension gives `+`, `'`, `T[:, j]` or `sum(T)` its
//! own meaning without the runtime depending on it.

use super::{CallContext, Value};
use crate::error::{Result, RuntimeError, Shape};
use crate::operator::Op;
use std::any::Any;
use std::fmt;

/// One index position as the evaluator hands it over (here, beside
/// `Value`, because an external value is handed these too).
#[derive(Clone, Debug)]
pub enum IndexArg {
    /// A lone `:`: everything along that dimension.
    All,
    /// A number, vector of indices, range or logical mask.
    Val(Value),
}

/// A prefix operator an external value may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `!x`
    Not,
    /// `x'`
    Transpose,
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::Transpose => "'",
        }
    }
}

/// An object from an extension crate, held by [`Value::External`].
pub trait External: Send + Sync + fmt::Debug {
    /// The kind name shown by `typeof` and in errors, e.g. `"tall"`.
    fn kind(&self) -> &'static str;
    /// Kind and shape for error messages, e.g. `a tall ?×20 matrix`.
    fn describe(&self) -> String;
    /// What the REPL shows for it (may span several lines, ends without a
    /// newline).
    fn display(&self) -> String;
    /// The shape `end` counts in when it is indexed (`T[:, end]`); a
    /// dimension not known without reading data may answer 0.
    fn shape(&self) -> Shape {
        (1, 1)
    }
    /// `a op b` where `a` or `b` is this object (the other may be any value).
    fn binary(&self, op: Op, a: &Value, b: &Value) -> Result<Value> {
        Err(unsupported(&format!("`{op}`"), a, b))
    }
    /// A prefix operator on this object.
    fn unary(&self, op: UnaryOp) -> Result<Value> {
        Err(RuntimeError::ty(
            format!("a number or matrix for `{}`", op.symbol()),
            self.describe(),
        ))
    }
    /// `x[i, j]` (two arguments) or `x[k]` (one).
    fn index(&self, args: &[IndexArg]) -> Result<Value> {
        let _ = args;
        Err(RuntimeError::ty("a matrix to index", self.describe()))
    }
    /// The builtin `name` called with `args`, one of which is this object:
    /// `Some` answers the call, `None` lets the builtin itself run (and
    /// refuse the object if it cannot take it).
    fn call(&self, cx: &mut CallContext<'_>, name: &str, args: &[Value]) -> Option<Result<Value>> {
        let _ = (cx, name, args);
        None
    }
    /// For the extension to recover its concrete type.
    fn as_any(&self) -> &dyn Any;
}

/// The first external object among `args`.
pub fn first(args: &[Value]) -> Option<&dyn External> {
    args.iter().find_map(|v| match v {
        Value::External(x) => Some(&**x),
        _ => None,
    })
}

fn unsupported(op: &str, a: &Value, b: &Value) -> RuntimeError {
    RuntimeError::ty(
        format!("operands that {op} can combine"),
        format!("{} and {}", a.describe(), b.describe()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::testing::run;
    use std::sync::Arc;

    /// An external value that answers `+`, `'`, indexing and `size`, and
    /// lets every other builtin run on it.
    #[derive(Debug)]
    struct Probe;

    impl External for Probe {
        fn kind(&self) -> &'static str {
            "probe"
        }
        fn describe(&self) -> String {
            "a probe".into()
        }
        fn display(&self) -> String {
            "probe!".into()
        }
        fn binary(&self, op: Op, _: &Value, _: &Value) -> Result<Value> {
            match op {
                Op::Add => Ok(Value::Num(42.0)),
                _ => Err(RuntimeError::Domain(format!("probe has no `{op}`"))),
            }
        }
        fn unary(&self, op: UnaryOp) -> Result<Value> {
            Ok(Value::str(op.symbol()))
        }
        fn index(&self, args: &[IndexArg]) -> Result<Value> {
            Ok(Value::Num(args.len() as f64))
        }
        fn call(&self, _: &mut CallContext<'_>, name: &str, _: &[Value]) -> Option<Result<Value>> {
            (name == "size").then(|| Ok(Value::row(vec![7.0, 3.0])))
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    fn probe() -> Value {
        Value::External(Arc::new(Probe))
    }

    #[test]
    fn operators_indexing_and_builtins_ask_the_external_value_first() {
        let mut w = Vec::new();
        let p = probe();
        let sum = crate::ops::binary(Op::Add, &Value::Num(1.0), &p, &mut w).unwrap();
        assert!(matches!(sum, Value::Num(x) if x == 42.0));
        let e = crate::ops::binary(Op::Sub, &p, &Value::Num(1.0), &mut w).unwrap_err();
        assert_eq!(e.to_string(), "probe has no `-`");
        assert_eq!(crate::ops::transpose(&p).unwrap().to_str().unwrap(), "'");
        assert_eq!(crate::ops::neg(&p).unwrap().to_str().unwrap(), "-");
        let all = IndexArg::All;
        assert_eq!(
            crate::index::index2(&p, &all, &all).unwrap().as_scalar(),
            Some(2.0)
        );
        assert_eq!(
            crate::index::index1(&p, &all).unwrap().as_scalar(),
            Some(1.0)
        );
        let size = run("size", std::slice::from_ref(&p)).unwrap();
        assert_eq!(size.elements().unwrap(), vec![7.0, 3.0]);
        // Builtins it does not answer run on it, and refuse it by its name.
        assert_eq!(
            run("typeof", std::slice::from_ref(&p))
                .unwrap()
                .to_str()
                .unwrap(),
            "probe"
        );
        let e = run("inv", std::slice::from_ref(&p))
            .unwrap_err()
            .to_string();
        assert!(e.contains("a probe"), "{e}");
        assert_eq!(crate::display::display_named("x", &p, 80), "x = probe!\n");
        assert_eq!(p.kind(), "probe");
    }
}
