//! Deep left-nested chains (`1+1+…+1` of 2.5 million terms, issue 10)
//! overflowed the stack when their tree was built, walked or dropped: past
//! `MAX_DEPTH` they are a syntax error pointing at the operator, before any
//! deep tree exists. Each runs on a 2 MiB thread, the stack a host gives.

use mla_parser::{parse, ParseError, MAX_DEPTH, MAX_LINE_BYTES};

fn on_small_stack(src: String) -> Result<usize, ParseError> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || parse(&src).map(|p| p.body.len()))
        .unwrap()
        .join()
        .unwrap()
}

/// `terms` copies of `term` joined by `op`.
fn chain(term: &str, op: &str, terms: usize) -> String {
    vec![term; terms].join(op)
}

#[test]
fn a_sum_of_2_5_million_ones_on_one_line_is_refused_before_parsing() {
    let src = format!("x = {}\ndisp(x)", chain("1", "+", 2_500_000));
    let e = on_small_stack(src).unwrap_err();
    assert!(e.message.contains("5000003 bytes long"), "{}", e.message);
    assert_eq!(e.span.start as usize, MAX_LINE_BYTES);
}

#[test]
fn a_sum_of_200_000_ones_is_an_error_at_the_first_operator_too_deep() {
    let src = format!("x = {}", chain("1", "+", 200_000));
    let e = on_small_stack(src.clone()).unwrap_err();
    assert!(e.message.contains("levels deep"), "{}", e.message);
    // `x = 1+1+…`: the statement is one level, so operator number
    // MAX_DEPTH makes MAX_DEPTH + 1 levels.
    let at = 3 + 2 * MAX_DEPTH;
    assert_eq!((e.span.start as usize, e.span.end as usize), (at, at + 1));
    assert_eq!(&src[at..at + 1], "+");
    assert!(e.hint.contains("sum"), "{}", e.hint);
}

#[test]
fn a_chain_at_the_limit_parses() {
    let src = format!("x = {}", chain("1", "+", MAX_DEPTH));
    assert_eq!(on_small_stack(src), Ok(1));
}

#[test]
fn deep_chains_of_every_shape_are_errors() {
    let n = 200_000;
    let shapes = [
        format!("x = {}", chain("2", "^", n)),      // right-nested
        format!("x = {}", chain("a", "*", n)),      // left-nested, other level
        format!("x = {}1", "-".repeat(n)),          // prefixes
        format!("x = 1{}", "'".repeat(n)),          // postfixes
        format!("x = f{}", "(1)".repeat(n)),        // calls of calls
        format!("x = [{}]", chain("1", " + ", n)),  // inside a matrix
        format!("f = {}1", "x -> ".repeat(10_000)), // lambdas
        format!("x = {}", chain("1", "+...\n", n)), // one statement, many lines
        format!("{}x{}", "if 1\n".repeat(5_000), "\nend".repeat(5_000)), // blocks
    ];
    for src in shapes {
        let head: String = src.chars().take(20).collect();
        let e = on_small_stack(src).unwrap_err();
        // Past MAX_DEPTH, or past pest's own guard of the stack.
        assert!(e.message.contains(" deep"), "{head}: {}", e.message);
    }
}

#[test]
fn depth_is_counted_across_brackets_and_blocks_and_given_back_after() {
    // Two chains of MAX_DEPTH / 2 side by side fit; nested, they do not.
    let half = chain("1", "+", MAX_DEPTH / 2);
    let side = format!("x = {half}\ny = {half}");
    assert_eq!(on_small_stack(side), Ok(2));
    let nested = format!("x = {half} + ({half} + ({half}))");
    assert!(on_small_stack(nested).is_err());
    // An error leaves nothing taken for the next parse on the thread.
    assert_eq!(parse("y = 1 + 2").unwrap().body.len(), 1);
}
