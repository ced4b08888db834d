//! User-defined functions and lambdas as runtime function values.

use crate::resolved::{FnProto, LambdaProto};
use mla_parser::Name;
use mla_runtime::{UserFunc, Value};
use std::any::Any;
use std::sync::Arc;

/// A named function: `function f(a) … end` or `f(a) = e`.
pub(crate) struct UserFunction(pub Arc<FnProto>);

/// An anonymous function with the values it captured, one per captured
/// slot (`None` where the enclosing local was not yet assigned: the name
/// then reads the workspace when the lambda runs).
pub(crate) struct Lambda {
    pub proto: Arc<LambdaProto>,
    pub captured: Box<[Option<Value>]>,
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
        &self.0.name
    }

    fn describe(&self) -> String {
        format!("function {}({})", self.0.name, param_list(&self.0.params))
    }

    fn doc(&self) -> Option<String> {
        self.0.doc.clone()
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
        let span = self.proto.body.span;
        let body = self
            .proto
            .source
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("…");
        format!("({}) -> {}", param_list(&self.proto.params), body)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
