//! One snapshot per construct of the language, in a compact s-expression form.

use mla_parser::{parse, sexpr::program_to_sexpr};

fn ast(src: &str) -> String {
    match parse(src) {
        Ok(p) => program_to_sexpr(&p),
        Err(e) => panic!("{src:?} failed to parse: {}", e.message),
    }
}

#[test]
fn statements() {
    insta::assert_snapshot!(ast("x = 1\ny = 2;\nx += 1; x -= 2; x *= 3; x /= 4\nX[2, 3] = 0; X[:, 1] = v\n(a, b) = f(x)\n[vals, vecs] = eig(C)\n[a b] = g(1)\nans"), @r"
    (= x 1)
    (= y 2);
    (+= x 1);
    (-= x 2);
    (*= x 3);
    (/= x 4)
    (= (index X 2 3) 0);
    (= (index X : 1) v)
    (= (a b) (call f x))
    (= (vals vecs) (call eig C))
    (= (a b) (call g 1))
    ans
    ");
}

#[test]
fn control_flow() {
    insta::assert_snapshot!(ast("if a\n x = 1\nelseif b\n x = 2\nelse\n x = 3\nend\nfor i = 1:n\n break\nend\nfor c in M, continue, end\nwhile k < 3; k += 1; end"), @r"
    (if a [(= x 1)] b [(= x 2)] else [(= x 3)])
    (for i (: 1 n) [(break)])
    (for c M [(continue)])
    (while (< k 3) [(+= k 1);])
    ");
}

#[test]
fn functions() {
    insta::assert_snapshot!(ast("function f(a, b)\n  return (a, b)\nend\nfunction r = g(x)\n r = x;\nend\nfunction [p, q] = h()\n p = 1; q = 2;\nend\nfunction (p, q) = k(x)\nend\nsq(x) = x^2\nl = (x, y) -> x * y\nm = x -> -x\nn = () -> 1\nreturn"), @r"
    (function f (a b) [(return (tuple a b))])
    (function g (x) -> (r) [(= r x);])
    (function h () -> (p q) [(= p 1); (= q 2);])
    (function k (x) -> (p q) [])
    (function sq (x) [(^ x 2);])
    (= l (-> (x y) (* x y)))
    (= m (-> (x) (- x)))
    (= n (-> () 1))
    (return)
    ");
}

#[test]
fn precedence() {
    insta::assert_snapshot!(ast("-2^2\n2^-1\n2^3^2\na:b:c\n1:n+1\na || b && c\na | b & c\na == b < c\n!a == b\na + b * c - d / e\nA \\ b\nx .* y ./ z .^ 2\nA'*B'\n(A*B)'\nx[1]'\nf(x)[2]\na - -b"), @r"
    (- (^ 2 2))
    (^ 2 (- 1))
    (^ 2 (^ 3 2))
    (: a b c)
    (: 1 (+ n 1))
    (|| a (&& b c))
    (| a (& b c))
    (< (== a b) c)
    (== (! a) b)
    (- (+ a (* b c)) (/ d e))
    (\ A b)
    (./ (.* x y) (.^ z 2))
    (* (' A) (' B))
    (' (* A B))
    (' (index x 1))
    (index (call f x) 2)
    (- a (- b))
    ");
}

#[test]
fn matrices_and_blanks() {
    insta::assert_snapshot!(ast("[1 -2]\n[1 - 2]\n[1-2]\n[1 , -2]\n[a' b']\n[1, 2; 3, 4]\n[1 2\n 3 4]\n[]\n[x (1)]\n[f(1) 2]\n[1 +2]\n[a -b + c]\n[[1 2]; [3 4]]\n[1 2 # a comment\n 3 4]"), @r"
    [1 (- 2)]
    [(- 1 2)]
    [(- 1 2)]
    [1 (- 2)]
    [(' a) (' b)]
    [1 2; 3 4]
    [1 2; 3 4]
    []
    [x 1]
    [(call f 1) 2]
    [1 (+ 2)]
    [a (+ (- b) c)]
    [[1 2]; [3 4]]
    [1 2; 3 4]
    ");
}

#[test]
fn numbers_strings_and_indexing() {
    insta::assert_snapshot!(ast("2.*x\n1./x\n1e-3 + 2.5E+4 + .5 + 3.\n\"a\\\"b\\n\\tc\"\nX[end, end-1]\nX[:]\nX[x > 0]\ntrue & false\npi"), @r#"
    (.* 2 x)
    (./ 1 x)
    (+ (+ (+ 0.001 25000) 0.5) 3)
    "a\"b\n\tc"
    (index X end (- end 1))
    (index X :)
    (index X (> x 0))
    (& true false)
    pi
    "#);
}

#[test]
fn comments_separators_and_continuations() {
    insta::assert_snapshot!(ast("# a comment\nx = 1 # trailing\n\n;;\ny = [1, 2, ...\n 3]\nz = 1 + ...\n 2"), @r"
    (= x 1)
    (= y [1 2 3])
    (= z (+ 1 2))
    ");
}

#[test]
fn matlab_and_octave_spellings() {
    insta::assert_snapshot!(ast("~a\nx ~= y\nif a\n b = 1;\nendif\nfor i = 1:2\nendfor\nwhile c\nendwhile\nfunction f()\nendfunction"), @r"
    (! a)
    (!= x y)
    (if a [(= b 1);])
    (for i (: 1 2) [])
    (while c [])
    (function f () [])
    ");
}

#[test]
fn try_catch() {
    insta::assert_snapshot!(ast("try\n x = 1;\n y[5]\ncatch err\n print(err)\nend\ntry, a = 1, catch, b = 2, end\ntry\n f()\ncatch # no name\n g()\nend_try_catch\ntry\n h()\nend\ntry; catch e; rethrow(e); end\ntry\ncatch\n e\nend"), @r"
    (try [(= x 1); (index y 5)] catch err [(call print err)])
    (try [(= a 1)] catch [(= b 2)])
    (try [(call f)] catch [(call g)])
    (try [(call h)] catch [])
    (try [] catch e [(call rethrow e);])
    (try [] catch [e])
    ");
}

#[test]
fn discarded_results() {
    insta::assert_snapshot!(ast("[~, assign] = min(D, [], 2)\n(~, i) = max(x)\n(_, i) = max(x)\n[_ i] = max(x)\n[m, ~] = max(x)\n_ = 3\ny = _ + 1\nz = [~a b]"), @r"
    (= (~ assign) (call min D [] 2))
    (= (~ i) (call max x))
    (= (~ i) (call max x))
    (= (~ i) (call max x))
    (= (m ~) (call max x))
    (= _ 3)
    (= y (+ _ 1))
    (= z [(! a) b])
    ");
}

#[test]
fn at_lambdas() {
    insta::assert_snapshot!(ast("f = @(x, y) x * y + 1\ng = @(x) x.^2\nh = @() 42\nk = @ (x) @(y) x + y\nmap(@(v) v', A)"), @r"
    (= f (-> (x y) (+ (* x y) 1)))
    (= g (-> (x) (.^ x 2)))
    (= h (-> () 42))
    (= k (-> (x) (-> (y) (+ x y))))
    (call map (-> (v) (' v)) A)
    ");
}

/// A parse error's message and hint, as one line each.
fn err(src: &str) -> String {
    match parse(src) {
        Ok(p) => panic!("{src:?} parsed: {}", program_to_sexpr(&p)),
        Err(e) => format!("{}\n{}", e.message, e.hint),
    }
}

#[test]
fn colon_in_parentheses_names_the_bracket_fix() {
    for (src, fix) in [
        ("W(:)", "`W[:]`"),
        ("y = A(1, :)", "`A[1, :]`"),
        ("s = sum(W(:).^2)", "`W[:]`"),
        ("X(:, 2:end)", "`X[:, 2:end]`"),
        ("f(x)(:)", "`[:]`"),
    ] {
        let e = err(src);
        assert!(
            e.contains(&format!("index with square brackets: {fix}")),
            "{src}: {e}"
        );
    }
    // An assignment gets the assignment's hint.
    assert!(err("A(:, 1) = v").contains("`A[:, 1] = …`"));
}

#[test]
fn ternary_names_if_and_ifelse() {
    for src in ["y = x > 0 ? x : 0", "c ? a : b", "f(c ? 1 : 2)"] {
        let e = err(src);
        assert!(e.contains("if c … else … end"), "{src}: {e}");
        assert!(e.contains("ifelse(c, a, b)"), "{src}: {e}");
    }
}

#[test]
fn try_errors() {
    let e = parse("try\n x = 1\ncatch e\n").unwrap_err();
    assert!(e.is_incomplete());
    assert_eq!(e.message, "the `try` on line 1 has no `end`");
    assert!(err("catch e").contains("found `catch`"));
    assert!(err("x = 1\ncatch e\nend").contains("belongs inside `try"));
    assert!(err("f = @sin").contains("`@(x) e`"));
    assert!(err("try = 1").contains("="));
}

#[test]
fn field_access_says_there_are_no_structs() {
    for src in ["disp(err.message)", "y = s.field + 1"] {
        let e = err(src);
        assert!(e.contains("no structs"), "{src}: {e}");
        assert!(e.contains("already the message string"), "{src}: {e}");
    }
    // elementwise operators are not field access
    assert!(parse("y = x.*2 + x./3 + x.^2").is_ok());
}

#[test]
fn timed_statements() {
    insta::assert_snapshot!(ast("@time C = A * B;\n%time f(3)\n@time for i = 1:3\n  x = i\nend\n@time(g(1))"), @r"
    (time (= C (* A B)));
    (time (call f 3))
    (time (for i (: 1 3) [(= x i)]))
    (time (call g 1))
    ");
    // `time` alone is a name like any other; `@timer` is no mark.
    insta::assert_snapshot!(ast("time = 2\ntime"), @r"
    (= time 2)
    time
    ");
    assert!(parse("@timer x").is_err());
}
