"""vcommon.py - what the validation tests share: running patrolsim, Student-t intervals, and
the comparison of simulated figures with their analytic values.

Every check compares an analytic value with the mean over replications of a per-replication
figure, with the replications' own Student-t confidence interval as the tolerance. A test that
makes k checks at 95% each would fail about k/20 of the time with a perfect model, so a test
judges its checks as a family: each passes when the analytic value lies within its
Bonferroni interval, the Student-t interval at level 1 - 0.05/k (for k = 1 that is the plain
95% interval). The test as a whole then fails a correct model at most 5% of the time. Every
check also prints its plain 95% interval, and the test prints how many of its analytic values
fall outside those: about one in twenty is what a correct model gives (see README.md).

Only the standard library and numpy/h5py (Debian's python3-h5py) are used: no SciPy, so the
t quantile is computed here (regularised incomplete beta by continued fraction, then
bisection).
"""
import json
import math
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.normpath(os.path.join(HERE, "..", "..", "scenarios", "validation"))


# ---- Student t ----------------------------------------------------------------------------

def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
           + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """P(T <= t) for Student's t with df degrees of freedom."""
    tail = 0.5 * _betainc(0.5 * df, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The p-quantile (0.5 < p < 1) of Student's t with df degrees of freedom."""
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def ci(values, level=0.95):
    """(mean, half_width, n) of the finite values, Student t at `level`."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        return (float(x.mean()) if n else math.nan), math.nan, n
    hw = t_quantile(0.5 + level / 2.0, n - 1) * x.std(ddof=1) / math.sqrt(n)
    return float(x.mean()), hw, n


# ---- running patrolsim -------------------------------------------------------------------

def run(exe, scenario, out, *args):
    """patrolsim run SCENARIO -q -o OUT ARGS...; exits the test with the output on failure."""
    cmd = [exe, "run", scenario, "-q", "-o", out, *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return out


def summary_json(exe, h5):
    """The figures of `patrolsim summary FILE --json`."""
    p = subprocess.run([exe, "summary", h5, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: patrolsim summary {h5} exited {p.returncode}:\n{p.stderr}")
    return json.loads(p.stdout)


def scenario(name):
    """Path of a scenario under scenarios/validation/."""
    return os.path.join(SCENARIOS, name)


# ---- comparing with theory ---------------------------------------------------------------

class Family:
    """The checks of one test, judged together (see the module's docstring).

    add() records a check: its label, the analytic value and the per-replication values
    (or a precomputed (mean, half_width_95, n) from `patrolsim summary --json`, for which
    the Bonferroni interval is rescaled by the ratio of the t quantiles). finish() prints
    the table and returns the exit status."""

    def __init__(self, title):
        self.title = title
        self.rows = []

    def add(self, label, theory, per_rep=None, summary=None, fmt="{:.4f}"):
        if per_rep is not None:
            mean, hw95, n = ci(per_rep)
            sd = float(np.std(np.asarray(per_rep, dtype=float), ddof=1))
        else:
            mean, hw95, n = summary["mean"], summary["half_width"], summary["n"]
            sd = hw95 * math.sqrt(n) / t_quantile(0.975, n - 1) if n > 1 else math.nan
        self.rows.append(dict(label=label, theory=theory, mean=mean, hw95=hw95, n=n, sd=sd,
                              fmt=fmt))

    def finish(self):
        k = len(self.rows)
        level = 1.0 - 0.05 / k
        print(f"{self.title}")
        print(f"{k} checks; each passes when the analytic value is inside the replications' "
              f"Student-t interval at {100 * level:.3f}% (Bonferroni: 95% for the family)")
        failed, outside95 = 0, 0
        for r in self.rows:
            f = r["fmt"]
            n = r["n"]
            hw = t_quantile(0.5 + level / 2.0, n - 1) * r["sd"] / math.sqrt(n) if n > 1 else 0
            err = r["mean"] - r["theory"]
            in95 = abs(err) <= r["hw95"]
            ok = abs(err) <= hw
            outside95 += not in95
            failed += not ok
            z = err / (r["sd"] / math.sqrt(n)) if r["sd"] > 0 else (0.0 if err == 0 else math.inf)
            print(f"  {'ok  ' if ok else 'FAIL'} {r['label']:<22} theory {f.format(r['theory'])}"
                  f"  sim {f.format(r['mean'])} ± {f.format(r['hw95'])} (95%, n={n})"
                  f"  ± {f.format(hw)} (family)  z={z:+.2f}{'' if in95 else '  [outside 95%]'}")
        print(f"{outside95} of {k} analytic values outside their plain 95% CI "
              f"(a correct model: about {0.05 * k:.1f})")
        if failed:
            print(f"FAIL: {failed} of {k} checks outside their family interval")
            return 1
        print("ok")
        return 0
