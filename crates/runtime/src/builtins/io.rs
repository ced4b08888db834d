//! Output and housekeeping: print, printf, sprintf, tic, toc, assert,
//! error, rethrow, typeof, who, help.

use super::{scalar, string, Builtin, CallContext, CONSTANTS, VARIADIC};
use crate::display;
use crate::error::{Result, RuntimeError};
use crate::printf::sprintf as format_c;
use crate::value::{Func, Value};
use std::time::Instant;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("output"; "print", 0, VARIADIC, 1, "print(v, …)", "prints values separated by blanks, then a new line", print; constant),
    entry!("output"; "disp", 1, 1, 1, "disp(v)", "prints a value without its name (as MATLAB's disp)", print; constant),
    entry!("output"; "printf", 1, VARIADIC, 1, "printf(fmt, args, …)", "prints with C formats (%d %f %e %g %s), cycling through matrix elements like fprintf", printf; constant),
    entry!("output"; "fprintf", 1, VARIADIC, 1, "fprintf(fmt, args, …)", "the same as printf (to standard output), for MATLAB scripts", printf; constant),
    entry!("output"; "sprintf", 1, VARIADIC, 1, "sprintf(fmt, args, …)", "the string printf would print", sprintf; constant),
    entry!("misc"; "tic", 0, 0, 1, "tic()", "starts the stopwatch", tic; constant),
    entry!("misc"; "toc", 0, 0, 1, "toc()", "seconds since tic()", toc; constant),
    entry!("misc"; "assert", 1, VARIADIC, 1, "assert(c, msg)", "raises an error (with msg, printf-formatted) unless c is true", assert; constant),
    entry!("misc"; "error", 1, VARIADIC, 1, "error(msg, args, …)", "raises an error with the message (printf-formatted when args are given)", error; constant),
    entry!("misc"; "rethrow", 1, 1, 1, "rethrow(err)", "raises again the error a `catch err` caught (err is its message, used as written)", rethrow; none),
    entry!("misc"; "typeof", 1, 1, 1, "typeof(x)", "the kind of a value: number, matrix, logical, string, function or tuple", typeof_; constant),
    entry!("misc"; "who", 0, 0, 1, "who()", "lists the workspace variables with their kinds and sizes", who; constant),
    entry!("misc"; "help", 0, 1, 1, "help(name)", "describes a builtin, constant or function (`help eig` and `?eig` too); help() lists every builtin", help; constant),
    entry!("misc"; "whos", 0, 0, 1, "whos()", "lists the workspace variables with their sizes, kinds and bytes", whos; none),
    entry!("misc"; "clear", 0, VARIADIC, 1, "clear(name, …)", "removes the named workspace variables, or all of them (`clear A B`, `clear`)", clear; none),
    entry!("misc"; "exit", 0, 1, 1, "exit(code)", "ends the program (the REPL, or a script with exit status code, 0 by default)", exit; none),
    entry!("misc"; "quit", 0, 1, 1, "quit(code)", "the same as exit", exit; none),
    entry!("misc"; "run", 1, 1, 1, "run(path)", "runs a script in the workspace, as if its lines were typed there (`run file.mla`)", run; none),
];

fn write(cx: &mut CallContext<'_>, text: &str) -> Result<()> {
    cx.out()
        .write_all(text.as_bytes())
        .map_err(|e| RuntimeError::output(&e))
}

fn print(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let mut text = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let shown = display::display_plain(a, cx.width());
        // A grid starts on a line of its own.
        if shown.contains('\n') && !text.is_empty() && !text.ends_with('\n') {
            text.pop();
            text.push('\n');
        }
        text.push_str(&shown);
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    write(cx, &text)?;
    Ok(Value::Tuple(Vec::new().into()))
}

fn printf(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let fmt = string(args, 0)?;
    let text = format_c(fmt, &args[1..])?;
    write(cx, &text)?;
    Ok(Value::Tuple(Vec::new().into()))
}

fn sprintf(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let fmt = string(args, 0)?;
    let text = format_c(fmt, &args[1..])?;
    // The value is a copy of the text.
    crate::memory::reserve(text.len())?;
    Ok(Value::str(text))
}

fn tic(cx: &mut CallContext<'_>, _: &[Value]) -> Result<Value> {
    *cx.clock() = Some(Instant::now());
    Ok(Value::Tuple(Vec::new().into()))
}

fn toc(cx: &mut CallContext<'_>, _: &[Value]) -> Result<Value> {
    match cx.clock() {
        Some(t) => Ok(Value::Num(t.elapsed().as_secs_f64())),
        None => Err(RuntimeError::Domain("toc() was called before tic()".into())),
    }
}

fn message(args: &[Value]) -> Result<String> {
    let fmt = string(args, 0)?;
    if args.len() == 1 {
        Ok(fmt.to_string())
    } else {
        format_c(fmt, &args[1..])
    }
}

fn assert(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if args[0].truthy().map_err(|e| e.at_arg(0))? {
        return Ok(Value::Tuple(Vec::new().into()));
    }
    let msg = if args.len() > 1 {
        message(&args[1..])?
    } else {
        "the condition is false".into()
    };
    Err(RuntimeError::Assertion(msg))
}

fn error(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Err(RuntimeError::User(message(args)?))
}

/// `catch err` holds the message: raising it again keeps it as written
/// (no printf formatting, so a `%` in it survives).
fn rethrow(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Err(RuntimeError::User(string(args, 0)?.to_string()))
}

fn typeof_(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::str(args[0].kind()))
}

fn who(cx: &mut CallContext<'_>, _: &[Value]) -> Result<Value> {
    let vars = cx.workspace();
    let mut text = String::new();
    if vars.is_empty() {
        text.push_str("the workspace is empty\n");
    }
    let width = vars.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, v) in &vars {
        text.push_str(&format!("  {name:<width$}  {}\n", v.describe()));
    }
    write(cx, &text)?;
    Ok(Value::Tuple(Vec::new().into()))
}

/// Bytes a value's numbers take (8 per f64, 1 per logical).
fn bytes(v: &Value) -> usize {
    match v {
        Value::Num(_) => 8,
        Value::Bool(_) => 1,
        Value::Matrix(m) => 8 * m.len(),
        Value::Logical(m) => m.len(),
        Value::Str(s) => s.len(),
        Value::Tuple(items) => items.iter().map(bytes).sum(),
        Value::Traced(t) => 8 * t.value.len(),
        Value::Func(_) => 0,
        Value::Optimizer(o) => o.state_bytes(),
        // Its data lives outside (in files, for a tall matrix).
        Value::External(_) => 0,
    }
}

fn whos(cx: &mut CallContext<'_>, _: &[Value]) -> Result<Value> {
    let vars = cx.workspace();
    let mut text = String::new();
    if vars.is_empty() {
        text.push_str("the workspace is empty\n");
    } else {
        let width = vars.iter().map(|(n, _)| n.len()).max().unwrap_or(0).max(4);
        // "optimizer" is the one kind wider than the column's 8.
        let kinds = vars
            .iter()
            .map(|(_, v)| v.kind().len())
            .max()
            .unwrap_or(0)
            .max(8);
        text.push_str(&format!(
            "  {:<width$}  {:>11}  {:<kinds$}  {:>12}\n",
            "name", "size", "kind", "bytes"
        ));
        for (name, v) in &vars {
            let (r, c) = v.shape();
            let kind = v.kind();
            text.push_str(&format!(
                "  {name:<width$}  {:>11}  {kind:<kinds$}  {:>12}\n",
                format!("{r}×{c}"),
                bytes(v)
            ));
        }
    }
    write(cx, &text)?;
    Ok(Value::Tuple(Vec::new().into()))
}

fn clear(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let names = (0..args.len())
        .map(|i| string(args, i).map(str::to_string))
        .collect::<Result<Vec<_>>>()?;
    cx.host.clear(&names)?;
    Ok(Value::Tuple(Vec::new().into()))
}

fn exit(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let code = match args.first() {
        Some(_) => {
            let c = scalar(args, 0)?;
            if c.fract() != 0.0 || !(0.0..=255.0).contains(&c) {
                return Err(RuntimeError::Domain(format!(
                    "an exit status is a whole number from 0 to 255, got {}",
                    display::inline(&args[0])
                ))
                .at_arg(0));
            }
            c as i32
        }
        None => 0,
    };
    Err(RuntimeError::Exit(code))
}

fn run(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?.to_string();
    cx.host.run_file(&path)?;
    Ok(Value::Tuple(Vec::new().into()))
}

/// The `help` text for one builtin.
pub fn builtin_help(b: &Builtin) -> String {
    format!("{}\n  {}\n  ({})\n", b.signature, b.doc, b.group)
}

fn help(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let registry = cx.registry();
    let text = match args.first() {
        None => {
            let mut out = String::from("MLA builtins (help(name) for one of them):\n");
            for g in registry.groups() {
                let names: Vec<&str> = registry
                    .iter()
                    .filter(|b| b.group == g)
                    .map(|b| b.name)
                    .collect();
                out.push_str(&format!("  {g}: {}\n", names.join(" ")));
            }
            let names: Vec<&str> = CONSTANTS.iter().map(|c| c.name).collect();
            out.push_str(&format!("  constants: {}\n", names.join(" ")));
            out
        }
        Some(Value::Func(Func::Builtin(b))) => builtin_help(b),
        Some(Value::Func(Func::User(u))) => match u.doc() {
            Some(doc) => format!("{}\n{doc}\n", u.describe()),
            None => format!("{}\n  a function defined in this session\n", u.describe()),
        },
        Some(Value::Str(name)) => match registry.get(name) {
            Some(b) => builtin_help(b),
            None if cx.variable(name).is_some() => match cx.variable(name) {
                Some(f @ Value::Func(_)) => return help(cx, &[f]),
                Some(v) => format!("`{name}` is a variable: {}\n", v.describe()),
                None => String::new(),
            },
            None => match CONSTANTS.iter().find(|c| c.name == &**name) {
                Some(c) => format!("{}\n  {}\n  (constant)\n", c.name, c.doc),
                None => {
                    return Err(RuntimeError::Domain(format!(
                        "`{name}` is neither a builtin, a constant nor a variable"
                    ))
                    .at_arg(0))
                }
            },
        },
        Some(other) => {
            return Err(RuntimeError::ty("a function or its name", other.describe()).at_arg(0))
        }
    };
    write(cx, &text)?;
    Ok(Value::Tuple(Vec::new().into()))
}
