//! User-defined functions and lambdas as runtime function values.

use crate::interp::Vars;
use crate::source::Source;
use mla_parser::{Expr, FunctionDef, Name};
use mla_runtime::UserFunc;
use std::any::Any;
use std::sync::Arc;

/// A named function: `function f(a) … end` or `f(a) = e`.
pub(crate) struct UserFunction {
    pub def: Arc<FunctionDef>,
    pub source: Arc<Source>,
}

/// An anonymous function with the values it captured.
pub(crate) struct Lambda {
    pub params: Vec<Name>,
    pub body: Arc<Expr>,
    pub captured: Vars,
    pub source: Arc<Source>,
}

fn param_list(params: &[Name]) -> String {
    params
        .iter()
        .map(|p| &*p.text)
        .collect::<Vec<_>>()
        .join(", ")
}

impl UserFunc for UserFunction {
    fn name(&self) -> &str {
        &self.def.name.text
    }

    fn describe(&self) -> String {
        format!(
            "function {}({})",
            self.def.name.text,
            param_list(&self.def.params)
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl UserFunc for Lambda {
    fn name(&self) -> &str {
        "<lambda>"
    }

    fn describe(&self) -> String {
        let body = self
            .source
            .text
            .get(self.body.span.start as usize..self.body.span.end as usize)
            .unwrap_or("…");
        format!("({}) -> {}", param_list(&self.params), body)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
