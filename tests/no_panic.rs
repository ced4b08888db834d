//! Bad input never crashes: random token soups and hostile programs either
//! run or fail with a diagnostic, never a panic (`mla::internal`).

use mla::{Interpreter, Limits, SharedBuffer};

const TOKENS: &[&str] = &[
    "x",
    "y",
    "A",
    "f",
    "1",
    "0",
    "-1",
    "2.5",
    "1e400",
    "NaN",
    "Inf",
    "end",
    ":",
    "+",
    "-",
    "*",
    "/",
    "\\",
    "^",
    ".^",
    ".*",
    "./",
    "'",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "&",
    "|",
    "!",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "\n",
    "=",
    "+=",
    "->",
    "if",
    "else",
    "for",
    "in",
    "while",
    "function",
    "return",
    "break",
    "true",
    "\"s\"",
    "zeros",
    "ones",
    "eye",
    "inv",
    "svd",
    "eig",
    "qr",
    "chol",
    "reshape",
    "sum",
    "max",
    "size",
    "printf",
    "rand",
    "linspace",
    "diag",
    "repmat",
    "1:3",
    "[1 2; 3 4]",
    "[]",
    "X",
    "#",
    "...",
    "1e9",
    "norm",
    "softmax",
    "load",
    "\"%d\"",
    "one_hot",
    "cumsum",
    "std",
    "grad",
    "value_and_grad",
    "try",
    "catch",
    "rethrow",
    "~",
    "_",
    "@(x)",
    "?",
];

/// A small deterministic generator (xorshift) so failures reproduce.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check(mla: &mut Interpreter, src: &str) {
    if let Err(e) = mla.run_named("<fuzz>", src) {
        assert_ne!(e.kind(), mla::ErrorKind::Internal, "panic on {src:?}");
        let _ = e.render();
    }
}

fn interpreter() -> Interpreter {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set_limits(Limits {
        max_call_depth: 50,
        ..Limits::default()
    });
    mla.run_named(
        "<setup>",
        "x = 2; y = [1 2 3]; A = [4 1; 1 3]; X = ones(3, 2); f = (a) -> a * 2;",
    )
    .unwrap();
    mla
}

#[test]
fn random_token_soups() {
    let seed: u64 = std::env::var("MLA_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut gen = Gen(seed);
    let mut mla = interpreter();
    let rounds: usize = std::env::var("MLA_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for _ in 0..rounds {
        let len = 1 + (gen.next() % 12) as usize;
        let src: Vec<&str> = (0..len)
            .map(|_| TOKENS[(gen.next() % TOKENS.len() as u64) as usize])
            .collect();
        check(&mut mla, &src.join(" "));
    }
}

#[test]
fn hostile_programs() {
    let mut mla = interpreter();
    for src in [
        "zeros(-1)",
        "zeros(1e10)",
        "zeros(2.5, 2)",
        "ones(NaN, 1)",
        "rand(1e5, 1e5)",
        "eye(1e9)",
        "linspace(0, 1, 1e12)",
        "repmat([1 2], 1e6, 1e6)",
        "reshape(1:6, 4, 2)",
        "1:1e15",
        "1:0.0:5",
        "NaN:5",
        "y[0]",
        "y[1.5]",
        "y[-1]",
        "y[1e20]",
        "y[end + 1]",
        "A[:, :, :]",
        "A[[true false true]]",
        "y[[]]",
        "zeros(0, 3)[1]",
        "x[2] = 1",
        "A[3, 3] = 1",
        "A[1, :] = [1 2 3]",
        "q[1] = 2",
        "inv(zeros(3))",
        "inv([])",
        "det([])",
        "eig([])",
        "svd([])",
        "qr([])",
        "chol([])",
        "eig([NaN 1; 1 2])",
        "svd([Inf 1; 1 2])",
        "[1 2] \\ [1 2 3]",
        "zeros(0, 3) \\ zeros(0, 1)",
        "A ^ 1e18",
        "A ^ 0.5",
        "2 ^ A",
        "max([])",
        "(m, i) = max([])",
        "argmax([])",
        "mean([])",
        "std([])",
        "cumsum([], \"all\")",
        "printf(\"%\")",
        "printf(\"%d %s %f\", \"a\", 1)",
        "printf(\"%999999999d\", 1)",
        "sprintf(\"%.99999f\", 1)",
        "one_hot([1 2], [])",
        "softmax([])",
        "logsumexp([-Inf -Inf])",
        "f(1, 2)",
        "f()",
        "g = x -> g(x); g(1)",
        "function r = h(n)\n r = h(n);\nend\nh(1)",
        "(a, b) = (1, 2, 3)",
        "(a, b) = 5",
        "t = (1, 2); t + 1",
        "\"a\" - 1",
        "x(1)",
        "sum",
        "sum(1, 2, 3)",
        "size(1, 3)",
        "load(42)",
        "load(\"/\")",
        "save(\"/nonexistent/dir/x.csv\", 1)",
        "save(\"x.unknown\", 1)",
        "dataset(\"nope\")",
        "help(1)",
        "help(\"nope\")",
        "toc()",
        "error(\"%d\")",
        "assert([])",
        "for i = f, end",
        "for i = \"abc\", end",
        "while [], end",
        "if \"s\", end",
        "x = [1 2; \"a\" 3]",
        "[y; 1]",
        "end",
        "return",
        "continue",
        "1 +",
        "((((",
        ")",
        "]",
        "\"unterminated",
        "x = 1 \\\\ 2",
        "\u{1F600} = 1",
        "x = 1; x'''''",
        "A.^A.^A.^A",
        "-----------x",
        "!!!!!!!x",
        "adam(NaN)",
        "sgd(0.1, \"momentum\")",
        "o = adam(); step(o, (), ())",
        "o = adam(); (o, a, b) = step(o, (y, x), (y', x))",
        "o = adam(); (o, a) = step(o, y, [NaN Inf -Inf])",
        "o = rmsprop(0.1, \"centered\", true); (o, a) = step(o, [], [])",
        "clip_norm((y, x), NaN)",
        "clip_norm((zeros(0, 3), []), 1)",
        "schedule(\"cosine\", 1, 1e300, 1e300)",
        "schedule(\"step\", Inf, 1, 1)",
        "minimize(f, [])",
        "minimize((v) -> sum(v), [1 2])",
        "minimize((v) -> -sum(v.^2), [1 2], \"method\", \"newton\")",
        "minimize((v) -> sum(v.^2), [NaN 2])",
        "minimize((v) -> sum(v.^2), y, \"grad\", f, \"maxiter\", -1)",
        "minimize((v) -> sum(v.^2), ones(3000, 1), \"method\", \"newton\")",
        "minimize((v) -> sum(v.^2), y, \"hessian\", (v) -> \"no\", \"method\", \"newton\")",
        "grad((v) -> sum(step(adam(), v, v)), [1 2])",
        "grad(1, 2)",
        "grad(f)",
        "grad(f, \"s\")",
        "grad(f, [1 2])",
        "grad((x) -> x, [1 2])",
        "grad((x) -> inv(x), 2)",
        "grad((x) -> sum(x[[1 1 1]]), [1 2])",
        "grad((x) -> x(1), [1 2])",
        "grad((x) -> [x \"a\"], 1)",
        "grad((x) -> size(x), 1)",
        "grad((x) -> (x, x), 1)",
        "grad((x) -> sum(x .^ 0.5), [-1 0 1])",
        "grad((x) -> printf(\"%f\", x), 1)",
        "grad((x) -> sum(zeros(0, 1) .* x), zeros(0, 1))",
        "value_and_grad((x, y) -> x * y, [1 2], [3; 4])",
        "(a, b, c) = grad((x) -> x, 1)",
        "try\n error(\"a\")\ncatch e\n rethrow(e)\nend",
        "try, catch, end",
        "try\nend_try_catch",
        "try, y[9], catch e, e[1], end",
        "try, x = zeros(1e10), catch e, e + 1, end",
        "try, catch e, rethrow(e), end",
        "rethrow(1)",
        "rethrow()",
        "rethrow(\"\")",
        "for i = 1:3\n try\n break\n catch\n end\nend",
        "function r = k(n)\n try\n r = k(n);\n catch e\n r = 0;\n end\nend\nk(1)",
        "g2 = x -> g2(x); try, g2(1), catch, end",
        "try, grad((x) -> inv(x), 2), catch e, e, end",
        "[~, ~] = max(y)",
        "[~, ~, ~] = max(y)",
        "(~, i) = 5",
        "[~, i] = f(1)",
        "(_, _) = size(A)",
        "@(x) x",
        "@",
        "@()",
        "h = @(x, x) x; h(1, 2)",
        "h = @() h(); h()",
        "W(:)",
        "f(:)",
        "y(:, :) = 1",
        "x ? 1 : 2",
        "catch",
    ] {
        check(&mut mla, src);
    }
}

#[test]
fn deeply_nested_input_is_refused() {
    let mut mla = interpreter();
    check(
        &mut mla,
        &format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
    );
    check(
        &mut mla,
        &format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    check(&mut mla, &format!("x = {}1", "-".repeat(100_000)));
    check(&mut mla, &format!("x = {}1", "2^".repeat(50_000)));
    check(&mut mla, &"if 1\n".repeat(5000));
}

#[test]
fn random_characters_never_panic_the_parser() {
    const CHARS: &[u8] = b" \n\t;,:()[]{}'\"#.+-*/\\^<>=!&|~@$%_0123456789abcdefxyzEe";
    let rounds: usize = std::env::var("MLA_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut gen = Gen(0xD1B5_4A32_D192_ED03);
    for _ in 0..rounds {
        let len = (gen.next() % 24) as usize;
        let src: String = (0..len)
            .map(|_| CHARS[(gen.next() % CHARS.len() as u64) as usize] as char)
            .collect();
        if let Err(e) = mla::check_syntax(&src) {
            let _ = e.render();
        }
    }
}

/// Every builtin added with `randperm` … `map` and the general `eig`, called
/// with hostile arguments in every combination of one and two (three for
/// those that take three), with one and two results asked.
#[test]
fn added_builtins_on_hostile_arguments() {
    const VALUES: &[&str] = &[
        "[]",
        "NaN",
        "-1",
        "0",
        "2.5",
        "1e10",
        "-Inf",
        "\"s\"",
        "[1 2; 3 4]",
        "zeros(0, 3)",
        "[NaN 1 Inf]",
        "true",
        "f",
    ];
    const ONE_OR_TWO: &[&str] = &[
        "randperm",
        "randi",
        "median",
        "quantile",
        "kron",
        "triu",
        "tril",
        "fliplr",
        "flipud",
        "cumprod",
        "nnz",
        "isequal",
        "ismember",
        "setdiff",
        "union",
        "intersect",
        "num2str",
        "mat2str",
        "strcat",
        "upper",
        "lower",
        "rem",
        "accumarray",
        "histcounts",
        "issymmetric",
        "magic",
        "true",
        "false",
        "ifelse",
        "map",
        "arrayfun",
        "eig",
    ];
    const THREE: &[&str] = &["randi", "quantile", "isequal", "strcat", "ifelse"];
    let mut mla = interpreter();
    for name in ONE_OR_TWO {
        for a in VALUES {
            check(&mut mla, &format!("z = {name}({a});"));
            for b in VALUES {
                check(&mut mla, &format!("z = {name}({a}, {b});"));
                check(&mut mla, &format!("(p, q) = {name}({a}, {b});"));
            }
        }
    }
    for name in THREE {
        for a in VALUES {
            for b in VALUES {
                for c in VALUES {
                    check(&mut mla, &format!("z = {name}({a}, {b}, {c});"));
                }
            }
        }
    }
}
