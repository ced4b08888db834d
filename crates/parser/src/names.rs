//! User-facing words for grammar rules. The match is exhaustive on purpose:
//! a new rule must be given a name before the parser compiles.

use crate::grammar::Rule;

/// What the parser was looking for, grouped into words a user understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expect {
    /// A value: number, name, bracket, …
    Expression,
    /// A name (after `function`, in a parameter list, …).
    Name,
    /// `=` or a compound assignment.
    Assignment,
    /// An infix or postfix operator.
    Operator,
    /// `,` `;` or a new line ending a statement.
    StatementEnd,
    /// The keyword `end`.
    End,
    /// `else` or `elseif`.
    ElseBranch,
    /// `catch`.
    Catch,
    /// A statement.
    Statement,
    /// `in` in a for loop.
    In,
    /// A matrix row or element.
    MatrixElement,
    /// The end of the input.
    EndOfInput,
}

impl Expect {
    /// The words used in an error message.
    pub fn words(self) -> &'static str {
        match self {
            Expect::Expression => "an expression",
            Expect::Name => "a name",
            Expect::Assignment => "`=`",
            Expect::Operator => "an operator",
            Expect::StatementEnd => "the end of the statement (`;` or a new line)",
            Expect::End => "`end`",
            Expect::ElseBranch => "`else`/`elseif`",
            Expect::Catch => "`catch`",
            Expect::Statement => "a statement",
            Expect::In => "`in`",
            Expect::MatrixElement => "a matrix element",
            Expect::EndOfInput => "the end of input",
        }
    }
}

/// The group a rule falls in when the parser expected it, or `None` for rules
/// too small to be worth naming (whitespace, separators).
pub fn expectation(rule: Rule) -> Option<Expect> {
    use Expect as E;
    Some(match rule {
        Rule::EOI => E::EndOfInput,
        Rule::WHITESPACE | Rule::COMMENT | Rule::continuation | Rule::hs => return None,
        Rule::mrow_sep | Rule::mfill | Rule::m_newline | Rule::m_elem_sep => return None,
        Rule::ident_char | Rule::keyword | Rule::string_inner | Rule::escape => return None,
        Rule::program | Rule::next_statement | Rule::block | Rule::statement | Rule::stmt_body => {
            E::Statement
        }
        Rule::function_def
        | Rule::short_function
        | Rule::function_head
        | Rule::paren_head
        | Rule::if_stmt
        | Rule::for_stmt
        | Rule::while_stmt
        | Rule::try_stmt
        | Rule::catch_clause
        | Rule::break_stmt
        | Rule::continue_stmt
        | Rule::return_stmt
        | Rule::destructure
        | Rule::paren_assign
        | Rule::assignment
        | Rule::expr_stmt
        | Rule::command
        | Rule::help_mark
        | Rule::command_word
        | Rule::command_arg
        | Rule::timed
        | Rule::time_mark => E::Statement,
        Rule::stmt_term | Rule::quiet | Rule::block_end => E::StatementEnd,
        Rule::elseif_clause | Rule::else_clause | Rule::kw_elseif | Rule::kw_else => E::ElseBranch,
        Rule::kw_end => E::End,
        Rule::kw_catch => E::Catch,
        Rule::kw_in => E::In,
        Rule::param_list
        | Rule::fn_outputs
        | Rule::target_list
        | Rule::lambda_params
        | Rule::at_params => E::Name,
        Rule::target | Rule::discard => E::Name,
        Rule::ident => E::Name,
        Rule::assign_op
        | Rule::add_assign
        | Rule::sub_assign
        | Rule::mul_assign
        | Rule::div_assign
        | Rule::assign_eq => E::Assignment,
        Rule::expr
        | Rule::lambda
        | Rule::op_expr
        | Rule::unit
        | Rule::term
        | Rule::prefix
        | Rule::neg
        | Rule::pos
        | Rule::not
        | Rule::primary
        | Rule::paren
        | Rule::end_index
        | Rule::matrix
        | Rule::number
        | Rule::string
        | Rule::kw_true
        | Rule::kw_false
        | Rule::index_arg
        | Rule::colon_all
        | Rule::kw_function
        | Rule::kw_return
        | Rule::kw_if
        | Rule::kw_for
        | Rule::kw_while
        | Rule::kw_try
        | Rule::call_arg
        | Rule::kw_break
        | Rule::kw_continue => E::Expression,
        Rule::mrow | Rule::m_expr | Rule::m_unit => E::MatrixElement,
        Rule::infix
        | Rule::m_infix
        | Rule::m_other_infix
        | Rule::or
        | Rule::and
        | Rule::elem_or
        | Rule::elem_and
        | Rule::eq
        | Rule::ne
        | Rule::le
        | Rule::ge
        | Rule::lt
        | Rule::gt
        | Rule::range_colon
        | Rule::add
        | Rule::sub
        | Rule::elem_mul
        | Rule::elem_div
        | Rule::mul
        | Rule::div
        | Rule::left_div
        | Rule::elem_pow
        | Rule::pow
        | Rule::pow_mistake
        | Rule::postfix
        | Rule::transpose
        | Rule::call_args
        | Rule::index_args => E::Operator,
    })
}

/// A short name for any rule, for the rare message that names one construct.
pub fn rule_name(rule: Rule) -> &'static str {
    expectation(rule).map_or("input", Expect::words)
}
