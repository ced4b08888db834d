//! Builtins added by an embedder: they belong to one interpreter, cannot
//! take a name already in use, and call user code back like `grad` does.

use mla_eval::{Interpreter, SharedBuffer, Value};
use mla_parser::Span;
use mla_runtime::{Builtin, CallContext, Func, Result, RuntimeError};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn triple(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = args[0].to_scalar().map_err(|e| e.at_arg(0))?;
    Ok(Value::Num(3.0 * x))
}

/// `apply(f, x)`: f(x), called back through the host.
fn apply(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let Value::Func(f) = &args[0] else {
        return Err(RuntimeError::ty("a function", args[0].describe()).at_arg(0));
    };
    let f: Func = f.clone();
    cx.call_back(&f, vec![args[1].clone()])
}

fn builtin(name: &'static str, signature: &'static str, func: mla_runtime::BuiltinFn) -> Builtin {
    Builtin {
        name,
        min_args: 1,
        max_args: 2,
        outputs: 1,
        signature,
        doc: "added by the embedder",
        group: "embedding",
        func: mla_runtime::Implementation::Fn(func),
        gradient: mla_runtime::builtins::Gradient::None,
        pure: false,
    }
}

#[test]
fn an_added_builtin_belongs_to_its_interpreter() {
    let (mut with, out) = interp();
    let (mut without, _) = interp();
    with.register(builtin("triple", "triple(x)", triple))
        .unwrap();

    with.run("<1>", "y = triple(4) + 1;").unwrap();
    assert_eq!(with.get("y").unwrap().to_scalar(), Ok(13.0));
    // a function value, as builtins are
    with.run("<2>", "f = triple; z = f(2);").unwrap();
    assert_eq!(with.get("z").unwrap().to_scalar(), Ok(6.0));
    assert_eq!(
        with.call("triple", vec![Value::Num(1.0)])
            .unwrap()
            .to_scalar(),
        Ok(3.0)
    );
    // argument errors point at the argument, as for table builtins
    let e = with.run("<3>", "triple(\"a\")").unwrap_err();
    assert_eq!(e.labels[0].0, Span::new(7, 10));

    with.run("<4>", "help(\"triple\")").unwrap();
    assert!(out.take().contains("triple(x)\n  added by the embedder"));
    with.run("<5>", "help()").unwrap();
    let listing = out.take();
    assert!(listing.contains("  embedding: triple\n"), "{listing}");
    assert!(
        listing.contains("  constants: pi e Inf inf NaN nan eps\n"),
        "{listing}"
    );
    with.run("<6>", "help(\"eps\")").unwrap();
    assert!(out.take().starts_with("eps\n  the distance from 1"));

    let e = without.run("<1>", "y = triple(4);").unwrap_err();
    assert_eq!(e.kind(), mla_eval::ErrorKind::Name);
    assert!(
        e.message.contains("`triple` is not defined"),
        "{}",
        e.message
    );
    assert!(without.run("<2>", "help(\"triple\")").is_err());
    assert!(without.call("triple", vec![Value::Num(1.0)]).is_err());
}

#[test]
fn a_name_in_use_is_refused() {
    let (mut mla, _) = interp();
    let clash = mla.register(builtin("sum", "sum(x)", triple)).unwrap_err();
    assert_eq!((clash.name, clash.taken_by), ("sum", "builtin"));
    let clash = mla.register(builtin("pi", "pi(x)", triple)).unwrap_err();
    assert_eq!(clash.taken_by, "constant");
    mla.register(builtin("triple", "triple(x)", triple))
        .unwrap();
    assert!(mla.register(builtin("triple", "triple(x)", apply)).is_err());
    // the table's `sum` is untouched
    mla.run("<1>", "s = sum([1 2 3]);").unwrap();
    assert_eq!(mla.get("s").unwrap().to_scalar(), Ok(6.0));
}

#[test]
fn errors_in_code_called_back_come_back_whole() {
    let (mut mla, _) = interp();
    mla.register(builtin("apply", "apply(f, x)", apply))
        .unwrap();
    mla.run("<def>", "bad(x) = x * [1 2 3];\nsq(x) = x ^ 2;")
        .unwrap();
    mla.run("<ok>", "v = apply(sq, 3);").unwrap();
    assert_eq!(mla.get("v").unwrap().to_scalar(), Ok(9.0));

    let e = mla.run("<use>", "w = apply(bad, [1 2]);").unwrap_err();
    assert!(
        e.message.contains("cannot multiply 1×2 by 1×3"),
        "{}",
        e.message
    );
    // the error points into `bad`, and the chain runs through the call of apply
    assert_eq!(e.source.name, "<def>");
    assert_eq!(e.trace[0].function, "bad");
    assert_eq!(e.trace[0].source.name, "<use>");
    assert_eq!(e.trace[0].call_site, Span::new(4, 21));
}
