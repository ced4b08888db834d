//! Shape queries: size, rows, cols, numel, length, isempty.

use super::{count, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::value::Value;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("shape"; "size", 1, 2, 2, "size(X, dim)", "the 1×2 row [rows cols]; (r, c) = size(X) gives two numbers; size(X, d) one", size; constant),
    entry!("shape"; "rows", 1, 1, 1, "rows(X)", "the number of rows", rows; constant),
    entry!("shape"; "cols", 1, 1, 1, "cols(X)", "the number of columns", cols; constant),
    entry!("shape"; "numel", 1, 1, 1, "numel(X)", "the number of elements", numel; constant),
    entry!("shape"; "length", 1, 1, 1, "length(X)", "the larger dimension (0 when empty)", length; constant),
    entry!("shape"; "isempty", 1, 1, 1, "isempty(X)", "true when X has no elements", isempty; constant),
];

fn size(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (r, c) = args[0].shape();
    if args.len() == 2 {
        return match count(args, 1, "the dimension")? {
            1 => Ok(Value::Num(r as f64)),
            2 => Ok(Value::Num(c as f64)),
            _ => Ok(Value::Num(1.0)),
        };
    }
    if cx.nout >= 2 {
        Ok(Value::tuple(vec![
            Value::Num(r as f64),
            Value::Num(c as f64),
        ]))
    } else {
        Ok(Value::row(vec![r as f64, c as f64]))
    }
}

fn rows(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Num(args[0].shape().0 as f64))
}

fn cols(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Num(args[0].shape().1 as f64))
}

fn numel(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Num(args[0].numel() as f64))
}

fn length(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (r, c) = args[0].shape();
    Ok(Value::Num(if r == 0 || c == 0 {
        0.0
    } else {
        r.max(c) as f64
    }))
}

fn isempty(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if let Value::Func(_) | Value::Tuple(_) = &args[0] {
        return Err(RuntimeError::ty("a matrix or string", args[0].describe()).at_arg(0));
    }
    Ok(Value::Bool(args[0].numel() == 0))
}
