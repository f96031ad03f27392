#!/usr/bin/env python3
"""M/M/c against Erlang C: the simulated mean queue wait must fall inside its 95% CI.

usage: test_erlang_c.py PATROLSIM SCENARIO WORKDIR LAMBDA_PER_DAY MEAN_SERVICE_S C

Runs the scenario with the given arrival rate, mean on-scene time and number of units
(travel off, so the on-scene time is the whole service), reads the per-replication mean
waits back through `patrolsim summary --json`, and checks that the Erlang C mean wait
lies within the Student-t 95% confidence interval of the replications' mean. The CI is
the tolerance: nothing is hand-picked.
"""
import json
import math
import subprocess
import sys


def erlang_c_wait(lam, mu, c):
    """Mean wait in queue of M/M/c (Erlang C formula)."""
    a = lam / mu
    rho = a / c
    assert rho < 1, "unstable system"
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (s + top)
    return p_wait / (c * mu - lam), p_wait


def main():
    exe, scen, work, lam_day, mean_s, c = sys.argv[1:7]
    lam = float(lam_day) / 86400.0
    mu = 1.0 / float(mean_s)
    c = int(c)
    out = f"{work}/mmc_{lam_day}_{mean_s}_{c}.h5"
    cmd = [exe, "run", scen, "-q", "-o", out, "--set", f"calls.per_day={lam_day}",
           "--set", f"incident_types.[0].onscene.mean_s={mean_s}",
           "--set", f"units.[0].count={c}"]
    subprocess.run(cmd, check=True)
    js = json.loads(subprocess.run([exe, "summary", out, "--json"], check=True,
                                   capture_output=True, text=True).stdout)
    w = js["figures"]["wait_mean_s"]
    wq, pw = erlang_c_wait(lam, mu, c)
    print(f"M/M/{c}: lambda={lam:.6g}/s, 1/mu={mean_s}s, rho={lam / mu / c:.3f}")
    print(f"Erlang C mean wait {wq:.2f} s (P(wait)={pw:.4f}); simulated {w['mean']:.2f} s, "
          f"95% CI [{w['ci95_low']:.2f}, {w['ci95_high']:.2f}] over {w['n']} replications")
    if not (w["ci95_low"] <= wq <= w["ci95_high"]):
        print("FAIL: Erlang C value outside the simulated 95% CI")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
