//! The infix operators of the language as one enum, shared by the
//! evaluator (which maps its syntax onto it), the kernels in `ops`,
//! autodiff's rules and the diagnostics (through [`Op::symbol`]).

/// An infix operator that evaluates both operands (`&&` and `||`
/// short-circuit in the evaluator and never reach the runtime).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`, the matrix product (a number scales).
    MatMul,
    /// `/`, solving from the right (a number divides).
    RightDiv,
    /// `\`, solving from the left.
    LeftDiv,
    /// `.*`
    ElemMul,
    /// `./`
    ElemDiv,
    /// `^`, the matrix power.
    Pow,
    /// `.^`
    ElemPow,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&`, elementwise and.
    And,
    /// `|`, elementwise or.
    Or,
}

impl Op {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::MatMul => "*",
            Op::RightDiv => "/",
            Op::LeftDiv => "\\",
            Op::ElemMul => ".*",
            Op::ElemDiv => "./",
            Op::Pow => "^",
            Op::ElemPow => ".^",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::And => "&",
            Op::Or => "|",
        }
    }

    /// The test of a comparison or logical operator, elementwise.
    pub fn test(self) -> Option<fn(f64, f64) -> bool> {
        Some(match self {
            Op::Eq => |x, y| x == y,
            Op::Ne => |x, y| x != y,
            Op::Lt => |x, y| x < y,
            Op::Le => |x, y| x <= y,
            Op::Gt => |x, y| x > y,
            Op::Ge => |x, y| x >= y,
            Op::And => |x, y| x != 0.0 && y != 0.0,
            Op::Or => |x, y| x != 0.0 || y != 0.0,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn symbols_are_distinct_and_comparisons_test() {
        let all = [
            Op::Add,
            Op::Sub,
            Op::MatMul,
            Op::RightDiv,
            Op::LeftDiv,
            Op::ElemMul,
            Op::ElemDiv,
            Op::Pow,
            Op::ElemPow,
            Op::Eq,
            Op::Ne,
            Op::Lt,
            Op::Le,
            Op::Gt,
            Op::Ge,
            Op::And,
            Op::Or,
        ];
        let mut symbols: Vec<&str> = all.iter().map(|o| o.symbol()).collect();
        symbols.sort();
        symbols.dedup();
        assert_eq!(symbols.len(), all.len());
        assert_eq!(all.iter().filter(|o| o.test().is_some()).count(), 8);
        assert!(Op::Le.test().unwrap()(1.0, 1.0) && !Op::Lt.test().unwrap()(1.0, 1.0));
        assert!(!Op::And.test().unwrap()(1.0, 0.0) && Op::Or.test().unwrap()(1.0, 0.0));
    }
}
