//! The builtin table declares how `grad` treats every entry, and every
//! declared rule is checked against central finite differences here: a new
//! builtin without a declaration, or a rule without a check, fails.

mod gradcheck;

use gradcheck::{check, interp};
use mla_runtime::builtins::{Gradient, BUILTINS};

/// One finite-difference check per rule: the builtin, a scalar function
/// `f` through it, and the arguments (test matrices of `gradcheck::interp`).
const CASES: &[(&str, &str, &[&str])] = &[
    ("exp", "f(x) = sum(exp(x) .* [1; 2; 3]);", &["v"]),
    ("log", "f(x) = sum(log(x .^ 2 + 1));", &["v"]),
    ("sqrt", "f(x) = sum(sqrt(x .^ 2 + 0.5));", &["v"]),
    ("abs", "f(x) = sum(abs(x) .* [1; -2; 3]);", &["v"]),
    ("sin", "f(x) = sum(sin(x), \"all\");", &["A"]),
    ("cos", "f(x) = sum(cos(x) .* x);", &["v"]),
    ("tan", "f(x) = sum(tan(x / 4));", &["v"]),
    ("tanh", "f(x) = sum(tanh(x) .^ 2, \"all\");", &["A"]),
    ("log1p", "f(x) = sum(log1p(x .^ 2));", &["v"]),
    ("log2", "f(x) = sum(log2(x .^ 2 + 1));", &["v"]),
    ("log10", "f(x) = sum(log10(x .^ 2 + 1));", &["v"]),
    ("sigmoid", "f(W, x) = sum(sigmoid(W' * x));", &["A", "v"]),
    ("relu", "f(x) = sum(relu(x) .* [1; 2; 3]);", &["v"]),
    ("sum", "f(X) = sum(sum(X, 2) .^ 2) + sum(sum(X) .* r);", &["A"]),
    ("mean", "f(X) = sum(mean(X) .^ 2) + mean(X, \"all\");", &["A"]),
    ("softmax", "f(X) = sum(softmax(X) .* [1 2 3 4; 0 1 0 1; 2 0 1 0], \"all\");", &["A"]),
    ("logsumexp", "f(X) = sum(logsumexp(X)) + sum(logsumexp(X, 2));", &["A"]),
    ("mse", "f(x) = mse(x, [0.5; -1; 2]);", &["v"]),
    ("bce", "f(x) = bce(sigmoid(x), [1; 0; 1]);", &["v"]),
    ("cross_entropy", "f(X) = cross_entropy(softmax(X), Y);", &["randn(5, 3)"]),
    ("trace", "f(X) = trace(X' * X);", &["A"]),
    ("reshape", "f(X) = sum(reshape(X, 2, 6) .* [1 2 3 4 5 6; 6 5 4 3 2 1], \"all\");", &["A"]),
    ("clamp", "f(x) = sum(clamp(x, -0.5, 0.5) .* [1; 2; 3]) + sum(x);", &["[0.1; -2; 3]"]),
    ("max", "f(X) = sum(max(X)) + max(X, [], \"all\");", &["A"]),
    ("min", "f(X) = sum(min(X, [], 2));", &["A"]),
    ("norm", "f(X) = norm(X) + norm(X, 1) + norm(X, \"fro\");", &["A"]),
    ("dot", "f(a, b) = dot(a, b);", &["v", "[1; -2; 0.5]"]),
    ("std", "f(X) = sum(std(X)) + sum(std(X, 0, 2));", &["A"]),
    ("var", "f(X) = sum(var(X)) + sum(var(X, 1, 2));", &["A"]),
    ("prod", "f(x) = prod(x) + sum(prod(A .* 0 + x, 1));", &["v"]),
    ("cumsum", "f(X) = sum(cumsum(X) .^ 2, \"all\") + sum(cumsum(X, 2), \"all\");", &["A"]),
    ("sort", "f(x) = sum(sort(x) .* [1; 2; 3]);", &["v"]),
    ("repmat", "f(X) = sum(repmat(X, 2, 3) .^ 2, \"all\");", &["A"]),
    ("diag", "f(x) = sum(diag(x) * [1; 2; 3]) + sum(diag(x * x'));", &["v"]),
    ("tril", "f(X) = sum(tril(X) .^ 2, \"all\");", &["A"]),
    ("triu", "f(X) = sum(triu(X) .^ 2, \"all\");", &["A"]),
    ("fliplr", "f(X) = sum(fliplr(X) .* A, \"all\");", &["A"]),
    ("flipud", "f(X) = sum(flipud(X) .* A, \"all\");", &["A"]),
    ("inv", "f(M) = sum(inv(M), \"all\");", &["[4 1 0; 1 3 1; 0 1 5]"]),
    ("solve", "f(M, b) = sum(solve(M, b));", &["[4 1 0; 1 3 1; 0 1 5]", "v"]),
    ("det", "f(M) = det(M);", &["[4 1 0; 1 3 1; 0 1 5]"]),
    ("chol", "f(M) = sum(chol(M' * M + eye(4)), \"all\");", &["A"]),
    (
        "eig",
        "function s = f(M)\n (l, V) = eig(M' * M);\n s = sum(l .* [1; 2; 3; 4]) + sum(V[:, 1] .^ 3);\nend",
        &["A"],
    ),
];

#[test]
fn every_builtin_declares_its_gradient() {
    let undeclared: Vec<&str> = BUILTINS
        .iter()
        .filter(|b| matches!(b.gradient, Gradient::Undeclared))
        .map(|b| b.name)
        .collect();
    assert!(
        undeclared.is_empty(),
        "these builtins do not declare how grad treats them (constant, rule, none or refused in their entry): {undeclared:?}"
    );
}

#[test]
fn every_rule_matches_finite_differences() {
    let rules: Vec<&str> = BUILTINS
        .iter()
        .filter(|b| matches!(b.gradient, Gradient::Rule(_)))
        .map(|b| b.name)
        .collect();
    let unchecked: Vec<&&str> = rules
        .iter()
        .filter(|n| !CASES.iter().any(|(c, _, _)| c == *n))
        .collect();
    assert!(
        unchecked.is_empty(),
        "rules without a finite-difference case here: {unchecked:?}"
    );
    let mut mla = interp();
    for (name, def, args) in CASES {
        assert!(
            rules.contains(name),
            "`{name}` has a case but no rule in the table"
        );
        assert!(
            def.contains(&format!("{name}(")),
            "the case for `{name}` calls it"
        );
        check(&mut mla, def, args);
    }
}

#[test]
fn refusals_name_the_builtin() {
    let mut mla = interp();
    for b in BUILTINS.iter() {
        let Gradient::None = b.gradient else {
            continue;
        };
        if b.min_args != 1 || b.name == "run" {
            continue;
        }
        // A one-argument builtin called on a traced matrix refuses by name
        // (or fails on the argument itself, before grad is asked).
        let code = format!("grad(x -> sum({}(x), \"all\"), A)", b.name);
        if let Err(e) = mla.run("<refuse>", &code) {
            if e.message.contains("carry gradients") {
                assert!(
                    e.message.contains(&format!("`{}`", b.name)),
                    "{code}: {}",
                    e.message
                );
            }
        }
    }
    let e = mla.run("<svd>", "grad(x -> sum(svd(x)), A)").unwrap_err();
    assert!(
        e.message.contains("`svd` does not carry gradients"),
        "{}",
        e.message
    );
    let e = mla
        .run("<second>", "grad(x -> sum(grad(y -> sum(y .^ 2), x)), v)")
        .unwrap_err();
    assert!(e.message.contains("second derivative"), "{}", e.message);
}
