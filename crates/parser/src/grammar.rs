//! The pest binding of `grammar/mla.pest`.

use pest_derive::Parser;

/// The generated parser; its `Rule` enum names every grammar rule.
#[derive(Parser)]
#[grammar = "../../../grammar/mla.pest"]
pub struct MlaParser;
