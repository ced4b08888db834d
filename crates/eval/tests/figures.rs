//! When figures are drawn (MATLAB's rule: once complete), and `progress`
//! loops, as the evaluator runs them.

use mla_eval::{Interpreter, SharedBuffer};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

/// How many figures the text holds (each ends with its x axis line).
fn drawn(text: &str) -> usize {
    text.lines().filter(|l| l.contains('└')).count()
}

#[test]
fn a_statement_ending_in_semicolon_waits_for_the_end_of_the_entry() {
    let (mut mla, out) = interp();
    mla.run("<1>", "plot([1 2 3]); title(\"loss\"); xlabel(\"epoch\");")
        .unwrap();
    let text = out.take();
    assert_eq!(drawn(&text), 1, "{text}");
    assert!(text.contains("loss") && text.contains("epoch"), "{text}");
}

#[test]
fn a_statement_without_semicolon_draws_at_once() {
    let (mut mla, out) = interp();
    mla.run("<1>", "plot([1 2 3])\nprint(\"after\")").unwrap();
    let text = out.take();
    let plot_at = text.find('└').expect("a plot");
    assert!(plot_at < text.find("after").expect("printed"), "{text}");
    assert_eq!(drawn(&text), 1);
}

#[test]
fn show_draws_now_and_nothing_is_drawn_twice() {
    let (mut mla, out) = interp();
    mla.run("<1>", "plot([1 2 3]); show(); print(\"x\");")
        .unwrap();
    let text = out.take();
    assert_eq!(drawn(&text), 1, "{text}");
    assert!(text.find('└') < text.find('x'));
    mla.run("<2>", "y = 1;").unwrap();
    assert_eq!(drawn(&out.take()), 0);
}

#[test]
fn figure_keeps_the_unshown_one_and_both_are_drawn() {
    let (mut mla, out) = interp();
    mla.run("<1>", "plot([1 2]); figure(); bar([3 4]);")
        .unwrap();
    assert_eq!(drawn(&out.take()), 2);
}

#[test]
fn hold_adds_series_and_legend_names_them() {
    let (mut mla, out) = interp();
    mla.run(
        "<1>",
        "plot([1 2 3], \"r--\"); hold on; plot([3 2 1], \"bo\"); legend(\"up\", \"down\");",
    )
    .unwrap();
    let text = out.take();
    assert!(text.contains("up") && text.contains("down"), "{text}");
    // The second series is drawn with markers, the first with braille.
    assert!(text.contains('●') && text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)));
}

#[test]
fn a_host_that_shows_pictures_itself_gets_no_text() {
    let (mut mla, out) = interp();
    mla.set_figure_text(false);
    mla.run("<1>", "plot([1 2 3])").unwrap();
    assert_eq!(out.take(), "");
    assert_eq!(mla.figures_shown(), 1);
    assert!(mla.figure_svg().unwrap().starts_with("<svg"));
}

#[test]
fn progress_loops_run_every_iteration_without_a_terminal() {
    let (mut mla, out) = interp();
    mla.run(
        "<1>",
        "s = 0;\nfor i = progress(1:5)\n  s = s + i;\n  printf(\"%d \", i);\nend",
    )
    .unwrap();
    assert_eq!(out.take(), "1 2 3 4 5 ");
    assert_eq!(mla.get("s").unwrap().to_scalar().unwrap(), 15.0);
    // progress(v) is v elsewhere.
    mla.run("<2>", "p = progress([4 5]);").unwrap();
    assert_eq!(mla.get("p").unwrap().shape(), (1, 2));
}

#[test]
fn plotting_errors_name_the_argument() {
    let (mut mla, _) = interp();
    for (code, needle) in [
        ("plot([1 2], \"rz\")", "`z`"),
        ("plot([1 2], \"linewidth\")", "needs a value"),
        ("plot([1 2], \"alpha\", 2)", "between 0 and 1"),
        ("subplot(2, 2, 5)", "k from 1 to 4"),
        ("xlim([3 1])", "lo < hi"),
        ("plot([1 2 3], [1 2])", "same length, got 3 and 2"),
        ("plot([1 2 3], ones(2, 2))", "as many x values"),
        ("legend(\"a\", \"b\")", "2 names"),
        ("plot([1 2], \"color\", \"teal\")", "no colour"),
    ] {
        let e = mla.run("<e>", code).expect_err(code);
        assert!(e.to_string().contains(needle), "{code}: {e}");
    }
}
