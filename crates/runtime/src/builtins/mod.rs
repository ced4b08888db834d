//! The builtin table: one entry per function with its arity, signature, doc
//! line and group. It is the single source for calls, `help`, completion and
//! the generated reference.

/// One table entry: `entry!(group; name, min, max, outputs, signature, doc,
/// fn; gradient)`, where the gradient is `constant`, `rule path::to::rule`,
/// `none` or `refused "why"` (see [`Gradient`]).
macro_rules! entry {
    ($group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr; constant $(, $pure:ident)?) => {
        entry!(@ $group; $name, $min, $max, $out, $sig, $doc, $f; $crate::builtins::Gradient::Constant; entry!(@pure $($pure)?))
    };
    ($group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr; none $(, $pure:ident)?) => {
        entry!(@ $group; $name, $min, $max, $out, $sig, $doc, $f; $crate::builtins::Gradient::None; entry!(@pure $($pure)?))
    };
    ($group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr; rule $rule:path $(, $pure:ident)?) => {
        entry!(@ $group; $name, $min, $max, $out, $sig, $doc, $f; $crate::builtins::Gradient::Rule($rule); entry!(@pure $($pure)?))
    };
    ($group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr; refused $why:literal $(, $pure:ident)?) => {
        entry!(@ $group; $name, $min, $max, $out, $sig, $doc, $f; $crate::builtins::Gradient::Refused($why); entry!(@pure $($pure)?))
    };
    ($group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr) => {
        entry!(@ $group; $name, $min, $max, $out, $sig, $doc, $f; $crate::builtins::Gradient::Undeclared; false)
    };
    (@pure) => { false };
    (@pure pure) => { true };
    (@ $group:literal; $name:literal, $min:expr, $max:expr, $out:expr, $sig:expr, $doc:expr, $f:expr; $gradient:expr; $pure:expr) => {
        $crate::builtins::Builtin {
            name: $name,
            min_args: $min,
            max_args: $max,
            outputs: $out,
            signature: $sig,
            doc: $doc,
            group: $group,
            func: $crate::builtins::Implementation::Fn($f),
            gradient: $gradient,
            pure: $pure,
        }
    };
}

mod arrange;
mod build;
mod registry;
pub(crate) use crate::args::{count, dim_arg, mat, scalar, size_args, string};
pub(crate) use crate::kernels::Dim;
pub use crate::value::{
    constant, Builtin, BuiltinFn, BuiltinRef, CallContext, CallSite, Clash, Constant, Gradient,
    Host, Implementation, NativeFn, Registry, CONSTANTS,
};
mod data;
mod elementwise;
mod figure_fns;
mod functional;
mod gradients;
mod io;
mod linalg_fns;
mod minimize;
mod ml;
mod optim;
mod options;
mod plot_args;
mod plots;
mod reduce;
mod search;
mod shape;
mod stats;
mod step_size;
mod strings;
#[cfg(test)]
pub(crate) mod testing;

use crate::error::{Result, RuntimeError};
use crate::value::Value;
use std::sync::LazyLock;

/// Any number of arguments.
pub(crate) const VARIADIC: usize = usize::MAX;

/// Every builtin, grouped as in the language reference.
pub static BUILTINS: LazyLock<Vec<&'static Builtin>> = LazyLock::new(|| {
    [
        build::ENTRIES,
        shape::ENTRIES,
        arrange::ENTRIES,
        elementwise::UNARY,
        elementwise::OTHERS,
        reduce::ENTRIES,
        stats::ENTRIES,
        search::ENTRIES,
        linalg_fns::ENTRIES,
        ml::ENTRIES,
        gradients::ENTRIES,
        optim::ENTRIES,
        step_size::ENTRIES,
        minimize::ENTRIES,
        functional::ENTRIES,
        strings::ENTRIES,
        data::ENTRIES,
        plots::ENTRIES,
        figure_fns::ENTRIES,
        io::ENTRIES,
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// Calls a builtin after checking its argument and result counts.
pub fn call(b: &Builtin, cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if args.len() < b.min_args || args.len() > b.max_args {
        return Err(RuntimeError::Arity {
            name: b.name.into(),
            signature: b.signature.into(),
            given: args.len(),
        });
    }
    if cx.nout > b.outputs.max(1) {
        return Err(RuntimeError::TooManyOutputs {
            name: b.name.into(),
            asked: cx.nout,
            has: b.outputs,
        });
    }
    if let Some(x) = crate::value::external::first(args) {
        if let Some(result) = x.call(cx, b.name, args) {
            return result;
        }
    }
    if crate::autodiff::any_traced(args) {
        return call_traced(b, cx, args);
    }
    b.func.call(cx, args)
}

/// A builtin reached with traced arguments (inside `grad`), treated as its
/// table entry declares: constant builtins run on the plain values,
/// differentiable ones record their rule, the rest refuse rather than drop
/// the gradient.
fn call_traced(b: &Builtin, cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    match b.gradient {
        Gradient::Constant => {
            let plain: Vec<Value> = args.iter().map(crate::autodiff::strip).collect();
            b.func.call(cx, &plain)
        }
        Gradient::Rule(rule) => {
            let mut forward = crate::autodiff::Forward::new(cx, b.func.clone(), args);
            rule(&mut forward, args)
        }
        Gradient::Refused(why) => Err(RuntimeError::Domain(why.into())),
        Gradient::None | Gradient::Undeclared => Err(RuntimeError::Domain(format!(
            "`{}` does not carry gradients yet, so grad cannot differentiate through it",
            b.name
        ))),
    }
}

// ---- argument helpers: each marks its error with the argument's position.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for b in BUILTINS.iter() {
            assert!(seen.insert(b.name), "duplicate builtin {}", b.name);
            assert!(
                !b.doc.is_empty() && b.signature.starts_with(b.name),
                "{}",
                b.name
            );
            assert!(b.min_args <= b.max_args);
        }
        for c in CONSTANTS {
            assert!(
                seen.insert(c.name),
                "{} is both a builtin and a constant",
                c.name
            );
            assert!(!c.doc.is_empty(), "{}", c.name);
        }
    }

    #[test]
    fn design_names_all_exist() {
        let names = "zeros ones eye fill rand randn seed linspace diag reshape repmat size rows cols numel length isempty \
            abs sqrt exp log log1p sin cos tan tanh floor ceil round sign max min clamp \
            sum mean prod cumsum argmax argmin std var norm dot trace det rank cond cov \
            eig svd qr chol inv pinv solve sigmoid relu softmax logsumexp one_hot mse bce cross_entropy \
            load save dataset print printf tic toc assert error typeof who help grad value_and_grad \
            plot scatter hist heatmap savefig";
        let registry = Registry::standard();
        for n in names.split_whitespace() {
            assert!(registry.get(n).is_some(), "missing builtin {n}");
        }
    }
}

/// The builtin reference as Markdown, generated from the standard registry
/// and the constants (kept in `docs/builtins.md`; a test checks that it is
/// current).
pub fn reference_markdown() -> String {
    reference_markdown_of(&Registry::standard())
}

/// The reference of every builtin `registry` knows (an embedder's added
/// ones included) and of the constants, as Markdown.
pub fn reference_markdown_of(registry: &Registry) -> String {
    let mut out = String::from(
        "# MLA builtins\n\nGenerated from the builtin table (`crates/runtime/src/builtins`); do not edit by hand.\nRegenerate with `MLA_UPDATE_DOCS=1 cargo test -p mla-runtime builtin_reference`.\n",
    );
    for g in registry.groups() {
        out.push_str(&format!(
            "\n## {g}\n\n| call | results | what it does |\n|---|---|---|\n"
        ));
        for b in registry.iter().filter(|b| b.group == g) {
            let outputs = match b.outputs {
                usize::MAX => "any".to_string(),
                n => n.to_string(),
            };
            out.push_str(&format!(
                "| `{}` | {outputs} | {} |\n",
                b.signature,
                b.doc.replace('|', "\\|")
            ));
        }
    }
    out.push_str("\n## constants\n\n| name | what it is |\n|---|---|\n");
    for c in CONSTANTS {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            c.name,
            c.doc.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod reference_tests {
    #[test]
    fn builtin_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/builtins.md");
        let want = super::reference_markdown();
        if std::env::var_os("MLA_UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).expect("write docs/builtins.md");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/builtins.md is stale: run MLA_UPDATE_DOCS=1 cargo test -p mla-runtime builtin_reference"
        );
    }
}
