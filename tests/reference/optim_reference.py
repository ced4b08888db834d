"""Reference numbers for tests/training.rs, computed with PyTorch and SciPy.

Not run by CI: the numbers it prints are written into the Rust tests. Run it
in an environment with torch, scipy, numpy and scikit-learn:

    python tests/reference/optim_reference.py

It prints, in order:
1. each optimizer's parameter after steps 1, 2 and 3 on a fixed quadratic;
2. each optimizer's four MLP parameters after step 3;
3. the learning rates of PyTorch's schedulers that `schedule` matches;
4. clip_grad_norm_ on two gradients;
5. scipy.optimize.minimize(method="L-BFGS-B") on Rosenbrock and on L2-regularised
   logistic regression of the breast-cancer data (iterations, f, x).
"""

import numpy as np
import scipy.optimize
import torch
from sklearn.datasets import load_breast_cancer

torch.set_default_dtype(torch.float64)

# Each optimizer as torch makes it, with the MLA call that should match it
# (the Rust tests use the MLA calls; the names here are only labels).
OPTIMIZERS = [
    ("sgd(0.1)", lambda p: torch.optim.SGD(p, lr=0.1)),
    ('sgd(0.1, "momentum", 0.9)', lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    (
        'sgd(0.1, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01)',
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    ),
    (
        'sgd(0.05, "momentum", 0.5, "dampening", 0.3)',
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3),
    ),
    ("adam(0.1)", lambda p: torch.optim.Adam(p, lr=0.1)),
    (
        'adam(0.1, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6, "amsgrad", true)',
        lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-6, amsgrad=True),
    ),
    ('adamw(0.1, "weight_decay", 0.1)', lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1)),
    ("rmsprop(0.01)", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    (
        'rmsprop(0.01, "alpha", 0.9, "momentum", 0.9, "centered", true, "weight_decay", 0.1)',
        lambda p: torch.optim.RMSprop(
            p, lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.1
        ),
    ),
    ("adagrad(0.1)", lambda p: torch.optim.Adagrad(p, lr=0.1)),
    (
        'adagrad(0.1, "lr_decay", 0.1, "weight_decay", 0.05, "initial_accumulator", 0.5)',
        lambda p: torch.optim.Adagrad(
            p, lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.5
        ),
    ),
]

# The quadratic f(x) = x'Ax/2 - b'x from x0.
A = torch.tensor([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]])
B = torch.tensor([[1.0], [0.0], [-1.0]])
X0 = torch.tensor([[1.0], [-2.0], [0.5]])


def quadratic(make):
    x = X0.clone().requires_grad_(True)
    opt = make([x])
    out = []
    for _ in range(3):
        opt.zero_grad()
        loss = 0.5 * (x.T @ A @ x).sum() - (B.T @ x).sum()
        loss.backward()
        opt.step()
        out.append(x.detach().flatten().tolist())
    return out


def arange(n, rows, cols):
    # 1..n laid out row by row, as MLA's reshape(1:n, cols, rows)' lays it.
    return torch.arange(1.0, n + 1.0).reshape(rows, cols)


def mlp_start():
    X = torch.sin(arange(15, 5, 3))
    Y = torch.cos(arange(10, 5, 2))
    W1 = 0.5 * torch.cos(arange(12, 3, 4))
    b1 = 0.1 * torch.tensor([[1.0, -1.0, 2.0, -2.0]])
    W2 = 0.5 * torch.sin(arange(8, 4, 2))
    b2 = torch.tensor([[0.05, -0.05]])
    return X, Y, [W1, b1, W2, b2]


def mlp(make):
    X, Y, start = mlp_start()
    params = [p.clone().requires_grad_(True) for p in start]
    opt = make(params)
    for _ in range(3):
        opt.zero_grad()
        W1, b1, W2, b2 = params
        P = torch.tanh(X @ W1 + b1) @ W2 + b2
        loss = ((P - Y) ** 2).mean()
        loss.backward()
        opt.step()
    # Column-major, as MLA's W[:] reads a matrix.
    return [p.detach().T.flatten().tolist() for p in params]


def schedules():
    def rates(make, steps):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        out = []
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return out

    lr = torch.optim.lr_scheduler
    print("cosine T=10 eta_min=0.01:", rates(lambda o: lr.CosineAnnealingLR(o, 10, eta_min=0.01), 12))
    print("step 3 gamma 0.5:", rates(lambda o: lr.StepLR(o, 3, gamma=0.5), 8))
    print("exponential 0.9:", rates(lambda o: lr.ExponentialLR(o, 0.9), 5))
    warm = lambda o: lr.SequentialLR(
        o,
        [lr.LinearLR(o, start_factor=1 / 4, total_iters=3), lr.CosineAnnealingLR(o, 6)],
        milestones=[4],
    )
    print("warmup 4 then cosine, 10 in all:", rates(warm, 10))


def clipping():
    g1 = torch.tensor([[3.0, 4.0]], requires_grad=True)
    g2 = torch.tensor([[12.0]], requires_grad=True)
    g1.grad = g1.detach().clone()
    g2.grad = g2.detach().clone()
    total = torch.nn.utils.clip_grad_norm_([g1, g2], 1.0)
    print("clip_grad_norm_ to 1:", g1.grad.tolist(), g2.grad.tolist(), "norm", total.item())


def rosenbrock(x):
    f = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    g = np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
    return f, g


def breast_cancer():
    d = load_breast_cancer()
    X = d.data
    # Standardised as MLA's (X - mean(X)) ./ std(X) does: std divides by N - 1.
    Xs = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    y = d.target.astype(float).reshape(-1, 1)
    lam = 0.01

    def loss(theta):
        w = theta[:-1].reshape(-1, 1)
        b = theta[-1]
        z = Xs @ w + b
        f = np.mean(np.log1p(np.exp(z)) - y * z) + lam / 2 * np.sum(w**2)
        r = (1 / (1 + np.exp(-z)) - y) / len(y)
        g = np.concatenate([(Xs.T @ r).ravel() + lam * w.ravel(), [r.sum()]])
        return f, g

    return loss, np.zeros(31)


def lbfgsb(name, fun, x0):
    # Stop on the gradient alone, as the Rust tests ask of minimize.
    r = scipy.optimize.minimize(
        fun, x0, jac=True, method="L-BFGS-B", options={"gtol": 1e-8, "ftol": 0, "maxiter": 10000}
    )
    print(f"{name}: L-BFGS-B nit {r.nit} nfev {r.nfev} f {r.fun!r} |g|inf {np.abs(r.jac).max():.3e}")
    print(f"{name}: x {[float(v) for v in r.x]}")


def main():
    np.set_printoptions(precision=17)
    print("== quadratic: x after steps 1, 2, 3")
    for name, make in OPTIMIZERS:
        print(name, quadratic(make))
    print("== MLP: W1, b1, W2, b2 after step 3 (column-major)")
    for name, make in OPTIMIZERS:
        print(name, mlp(make))
    print("== schedules")
    schedules()
    print("== clipping")
    clipping()
    print("== minimize")
    lbfgsb("rosenbrock", rosenbrock, np.array([-1.2, 1.0]))
    loss, x0 = breast_cancer()
    lbfgsb("breast_cancer", loss, x0)


if __name__ == "__main__":
    main()
