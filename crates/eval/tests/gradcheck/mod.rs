//! The finite-difference check shared by the gradient tests.

use mla_eval::{Interpreter, SharedBuffer, Value};

/// An interpreter with the test matrices `A B v r P Y t` defined.
pub fn interp() -> Interpreter {
    let mut mla = Interpreter::with_output(Box::new(SharedBuffer::new()));
    mla.run(
        "<setup>",
        "seed(5); A = randn(3, 4); B = randn(4, 2); v = randn(3, 1); r = randn(1, 4); P = softmax(randn(5, 3)); Y = one_hot([0; 1; 2; 1; 0], [0 1 2]); t = rand(3, 1) > 0.5;",
    )
    .unwrap();
    mla
}

fn matrix(v: &Value) -> (usize, usize, Vec<f64>) {
    let (r, c) = v.shape();
    (r, c, v.elements().unwrap())
}

fn with_element(v: &Value, k: usize, delta: f64) -> Value {
    let (r, c, mut e) = matrix(v);
    e[k] += delta;
    Value::matrix(mla_runtime::value::from_column_major(r, c, e))
}

/// Checks grad(f, args…) against central differences of f, and returns
/// (and prints) the largest difference relative to max(|fd|, 1).
pub fn check(mla: &mut Interpreter, def: &str, args: &[&str]) -> f64 {
    mla.run("<def>", def)
        .unwrap_or_else(|e| panic!("{def}: {e}"));
    let values: Vec<Value> = args
        .iter()
        .map(|a| mla.run("<arg>", a).unwrap_or_else(|e| panic!("{a}: {e}")))
        .collect();
    for (i, v) in values.iter().enumerate() {
        mla.set(&format!("arg{i}"), v.clone());
    }
    let arg_list: Vec<String> = (0..args.len()).map(|i| format!("arg{i}")).collect();
    let call = format!(
        "(ans_value, {}) = value_and_grad(f, {});",
        (0..args.len())
            .map(|i| format!("g{i}"))
            .collect::<Vec<_>>()
            .join(", "),
        arg_list.join(", ")
    );
    mla.run("<grad>", &call)
        .unwrap_or_else(|e| panic!("{def}: {e}"));
    let f0 = mla.call("f", values.clone()).unwrap().to_scalar().unwrap();
    let v0 = mla.get("ans_value").unwrap().to_scalar().unwrap();
    assert!(
        (f0 - v0).abs() <= 1e-12 * f0.abs().max(1.0),
        "{def}: value {v0} vs {f0}"
    );
    let mut largest = 0.0f64;
    for (i, x) in values.iter().enumerate() {
        let g = mla.get(&format!("g{i}")).unwrap().clone();
        assert_eq!(
            g.shape(),
            x.shape(),
            "{def}: gradient {i} has the argument's shape"
        );
        let (_, _, ge) = matrix(&g);
        for (k, gk) in ge.iter().enumerate() {
            let h = 1e-6;
            let mut plus = values.clone();
            plus[i] = with_element(x, k, h);
            let mut minus = values.clone();
            minus[i] = with_element(x, k, -h);
            let fp = mla.call("f", plus).unwrap().to_scalar().unwrap();
            let fm = mla.call("f", minus).unwrap().to_scalar().unwrap();
            let fd = (fp - fm) / (2.0 * h);
            largest = largest.max((fd - gk).abs() / fd.abs().max(1.0));
            assert!(
                (fd - gk).abs() <= 1e-5 * fd.abs().max(1.0),
                "{def}: d/d arg{i}[{}] = {} by grad, {fd} by finite differences",
                k + 1,
                gk
            );
        }
    }
    eprintln!("gradcheck {largest:.1e}: {}", def.replace('\n', " "));
    largest
}
