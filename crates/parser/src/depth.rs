//! The nesting budget of lowering: how deep the AST being built may get.
//!
//! pest reads `1+1+…+1` as one flat list, but the Pratt fold makes a
//! left-nested tree as deep as the chain is long, and every later walk of
//! the tree (lowering, the resolver, the evaluator, `Drop`) recurses once
//! per level: 2.5 million terms overflowed the stack. Lowering therefore
//! counts, before building a chain, how many levels it can add (operators,
//! postfixes, a lambda, a bracket, a block) and refuses a program that
//! would pass [`MAX_DEPTH`], so no tree deep enough to overflow is ever
//! built (or dropped).

use crate::error::ParseError;
use crate::Span;
use std::cell::Cell;

/// Deepest AST lowering builds: a chain of operators or postfixes, nested
/// lambdas, brackets and blocks together. At this depth, compiling and
/// evaluating fit in a 2 MiB thread stack in a debug build (2000 did not;
/// `tests/stack_limits.rs` checks it), so a host compiling on its own
/// thread is safe.
pub const MAX_DEPTH: usize = 1000;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Levels taken from the budget until it is dropped.
pub(crate) struct Deeper(usize);

impl Drop for Deeper {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(self.0)));
    }
}

/// Takes `levels` more levels for the construct at `span`; an error if the
/// tree would pass [`MAX_DEPTH`].
pub(crate) fn enter(levels: usize, span: Span) -> Result<Deeper, ParseError> {
    DEPTH.with(|d| {
        let now = d.get().saturating_add(levels);
        if now > MAX_DEPTH {
            return Err(too_deep(span));
        }
        d.set(now);
        Ok(Deeper(levels))
    })
}

/// Levels taken so far: where a chain being counted stands.
pub(crate) fn current() -> usize {
    DEPTH.with(Cell::get)
}

/// Starts a parse with the whole budget (a parse that panicked half-way
/// through cannot leave levels taken).
pub(crate) fn reset() {
    DEPTH.with(|d| d.set(0));
}

/// The error for the operator, postfix or construct at `span`.
pub(crate) fn too_deep(span: Span) -> ParseError {
    ParseError::hinted(
        span,
        format!("this expression nests more than {MAX_DEPTH} levels deep (operators in one chain, brackets, lambdas and blocks count)"),
        "split it into several statements (`s = a + b; s = s + c`), or add a vector with `sum([…])`".into(),
    )
}
