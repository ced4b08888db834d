//! Functions written in Rust added to one interpreter: the closure is
//! wrapped as a builtin of the `host` group, so calls, `help`, completion
//! and the reference treat it like the table's.

use crate::error::{Error, ErrorKind};
use crate::interpreter::Interpreter;
use crate::native::{sealed::Callable, Args, Context, NativeFunction};
use crate::value::Value;
use mla_runtime::{Builtin, CallContext, Implementation, NativeFn, Value as Raw};
use std::sync::Arc;

impl Interpreter {
    /// Adds a function written in Rust to this interpreter: a closure of up
    /// to four typed arguments (see [`NativeFunction`]). `doc` is what
    /// `help` shows; when it starts with the call (`clip01(X): …`), that is
    /// the signature. Scripts call it like a builtin; a wrong argument or
    /// an error it returns points at the call in the script. A name that
    /// is already a builtin or a constant is refused.
    ///
    /// ```
    /// use ndarray::Array2;
    /// let mut mla = mla::Interpreter::new();
    /// mla.register("clip01", "clip01(X): clamps every element to [0, 1]",
    ///     |x: Array2<f64>| x.mapv(|v| v.clamp(0.0, 1.0))).unwrap();
    /// let y: Vec<f64> = mla.run("clip01([-1 0.5 2])").unwrap().to().unwrap();
    /// assert_eq!(y, [0.0, 0.5, 1.0]);
    ///
    /// mla.register("safe_log", "safe_log(x): the log of a positive number",
    ///     |x: f64| if x > 0.0 { Ok(x.ln()) } else { Err(format!("{x} is not positive")) }).unwrap();
    /// let e = mla.run("y = safe_log(-2)").unwrap_err();
    /// assert_eq!((e.kind(), e.to_string()), (mla::ErrorKind::Host, "-2 is not positive".into()));
    /// assert_eq!(e.line_col(), Some((1, 5)));
    /// ```
    pub fn register<M, F: NativeFunction<M>>(
        &mut self,
        name: &str,
        doc: &str,
        f: F,
    ) -> Result<(), Error> {
        let params = <F as Callable<M>>::params();
        let n = params.len();
        let imp: Arc<NativeFn> =
            Arc::new(move |_: &mut CallContext<'_>, args: &[Raw]| f.invoke(args));
        let (signature, doc) = split_doc(name, doc, &params.join(", "));
        self.add(name, n, n, signature, doc, imp)
    }

    /// Adds a function that sees its call's [`Context`] (to call functions
    /// back, read variables, print) and takes any number of arguments,
    /// read from [`Args`].
    ///
    /// ```
    /// use mla::Value;
    /// let mut mla = mla::Interpreter::new();
    /// mla.register_with_context("apply_twice", "apply_twice(f, x): f(f(x))", |ctx, args| {
    ///     let f: Value = args.get(0)?;
    ///     let once = ctx.call(&f, (args.get::<Value>(1)?,))?;
    ///     ctx.call(&f, (once,))
    /// }).unwrap();
    /// let y: f64 = mla.run("apply_twice((x) -> 3 * x, 2)").unwrap().to().unwrap();
    /// assert_eq!(y, 18.0);
    /// ```
    pub fn register_with_context<F>(&mut self, name: &str, doc: &str, f: F) -> Result<(), Error>
    where
        F: Fn(&mut Context<'_>, Args<'_>) -> Result<Value, Error> + Send + Sync + 'static,
    {
        let imp: Arc<NativeFn> = Arc::new(move |cx: &mut CallContext<'_>, args: &[Raw]| {
            let mut ctx = Context {
                cx: CallContext::new(&mut *cx.host, cx.nout, cx.site),
            };
            f(&mut ctx, Args(args))
                .map(|v| v.0)
                .map_err(Error::into_runtime)
        });
        let (signature, doc) = split_doc(name, doc, "…");
        self.add(name, 0, usize::MAX, signature, doc, imp)
    }

    fn add(
        &mut self,
        name: &str,
        min_args: usize,
        max_args: usize,
        signature: String,
        doc: String,
        imp: Arc<NativeFn>,
    ) -> Result<(), Error> {
        let mut chars = name.chars();
        let identifier = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier || mla_eval::KEYWORDS.contains(&name) {
            return Err(Error::plain(
                ErrorKind::Name,
                format!("cannot add `{name}`: a function's name is a letter or `_`, then letters, digits or `_`, and not a keyword"),
            ));
        }
        let builtin = Builtin {
            name: leak(name),
            min_args,
            max_args,
            outputs: usize::MAX,
            signature: leak(&signature),
            doc: leak(&doc),
            group: "host",
            func: Implementation::Closure(imp),
            gradient: mla_runtime::builtins::Gradient::None,
            pure: false,
        };
        self.inner
            .register(builtin)
            .map_err(|clash| Error::plain(ErrorKind::Name, clash.to_string()))
    }
}

/// `(signature, doc)` from a doc that may start with the call
/// (`clip01(X): clamps…`); otherwise the signature is made from `params`.
fn split_doc(name: &str, doc: &str, params: &str) -> (String, String) {
    if let Some(rest) = doc.strip_prefix(name).filter(|r| r.starts_with('(')) {
        if let Some(close) = rest.find(')') {
            let after = rest[close + 1..].trim_start();
            let after = after.strip_prefix(':').unwrap_or(after).trim();
            return (format!("{name}{}", &rest[..=close]), after.to_string());
        }
    }
    (format!("{name}({params})"), doc.trim().to_string())
}

/// A `'static` copy of `s` for the builtin table, made once per distinct
/// text: a host that builds an interpreter per request and registers the
/// same functions each time does not grow memory.
fn leak(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{LazyLock, Mutex};
    static TEXTS: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let mut texts = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&t) = texts.get(s) {
        return t;
    }
    let t: &'static str = Box::leak(s.into());
    texts.insert(t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_give_signatures() {
        assert_eq!(
            split_doc("clip01", "clip01(X): clamps to [0, 1]", "X"),
            ("clip01(X)".into(), "clamps to [0, 1]".into())
        );
        assert_eq!(
            split_doc("f", "doubles its argument", "x"),
            ("f(x)".into(), "doubles its argument".into())
        );
        assert_eq!(
            split_doc("f", "f(a, b) adds", "x, x"),
            ("f(a, b)".into(), "adds".into())
        );
    }

    #[test]
    fn texts_are_leaked_once() {
        let a = leak("a text to leak once");
        let b = leak(&String::from("a text to leak once"));
        assert!(std::ptr::eq(a, b));
    }
}
