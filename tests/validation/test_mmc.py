#!/usr/bin/env python3
"""M/M/c against Erlang C: mean wait, P(wait > t) and unit utilisation.

usage: test_mmc.py PATROLSIM WORKDIR LAMBDA_PER_DAY MEAN_SERVICE_S C WARMUP_DAYS HORIZON_DAYS REPS

Runs scenarios/validation/mmc.cfg (travel off, no call taking: a call's response is its queue
wait and the time on scene is the service) with the given arrival rate, mean on-scene time,
number of units and run length, and compares with the M/M/c formulas, a = lambda/mu,
rho = a/c:

  C = P(wait > 0) = [a^c / c! / (1 - rho)] / [sum_{k<c} a^k / k! + a^c / c! / (1 - rho)]
  P(wait > t) = C exp(-(c mu - lambda) t)          (Erlang C; e.g. Kleinrock, Queueing
  E[wait] = C / (c mu - lambda)                     Systems I, 1975, sec. 3.5;
  utilisation = rho                                 Gross & Harris, ch. 2)

Per replication: the mean of wait_s over the counted, answered calls of /incidents (also
checked equal to /summary's wait_mean_s), the fraction of them with wait_s > t for
t = 0, 1 and 2 times 1/(c mu - lambda) (the mean wait of a call that waits), and /summary's
utilisation. Each figure's Student-t interval across replications is the tolerance
(vcommon.Family).
"""
import math
import sys

import h5py
import numpy as np

import vcommon as v


def erlang_c(lam, mu, c):
    """(P(wait > 0), mean wait) of M/M/c."""
    a = lam / mu
    rho = a / c
    assert rho < 1, "unstable system"
    # Terms a^k/k! built by recurrence: no factorial overflow for large c.
    term, s = 1.0, 0.0
    for k in range(c):
        s += term
        term *= a / (k + 1)
    top = term / (1 - rho)
    pw = top / (s + top)
    return pw, pw / (c * mu - lam)


def main():
    exe, work, lam_day, mean_s, c, warm, horizon, reps = sys.argv[1:9]
    lam, mu, c = float(lam_day) / 86400.0, 1.0 / float(mean_s), int(c)
    tag = f"{lam_day}_{mean_s}_{c}"
    out = v.run(exe, v.scenario("mmc.cfg"), f"{work}/mmc_{tag}.h5", "-r", reps,
                "--set", f"calls.per_day={lam_day}",
                "--set", f"incident_types.[0].onscene.mean_s={mean_s}",
                "--set", f"units.[0].count={c}",
                "--set", f"run.warmup_days={warm}", "--set", f"run.horizon_days={horizon}")
    pw, wq = erlang_c(lam, mu, c)
    rho = lam / mu / c
    scale = 1.0 / (c * mu - lam)
    ts = [0.0, scale, 2.0 * scale]

    with h5py.File(out, "r") as f:
        summ = f["summary"][:]
        inc = f["incidents"].fields(["rep", "counted", "status", "wait_s"])[:]
    n_rep = len(summ)
    inc = inc[inc["counted"] == 1]
    if np.any(inc["status"] != 0):
        print(f"FAIL: {np.sum(inc['status'] != 0)} counted calls not answered "
              "(the drain is too short, or calls were diverted)")
        return 1
    waits = [inc["wait_s"][inc["rep"] == r] for r in range(n_rep)]
    mean_wait = np.array([w.mean() for w in waits])
    if not np.allclose(mean_wait, summ["wait_mean_s"], rtol=1e-9, atol=1e-9):
        print("FAIL: /summary wait_mean_s disagrees with the mean of /incidents wait_s")
        return 1

    print(f"M/M/{c}: lambda = {lam * 86400:g}/day, 1/mu = {mean_s} s, rho = {rho:.4f}; "
          f"{n_rep} replications of {float(horizon) - float(warm):g} days after "
          f"{warm} days of warm-up, {np.mean([len(w) for w in waits]):.0f} counted calls each")
    fam = v.Family(f"Erlang C, M/M/{c} at rho = {rho:.3f}")
    fam.add("mean wait (s)", wq, mean_wait, fmt="{:.2f}")
    for t in ts:
        frac = np.array([np.mean(w > t) for w in waits])
        fam.add(f"P(wait > {t:.0f} s)", pw * math.exp(-(c * mu - lam) * t), frac)
    fam.add("utilisation", rho, summ["utilisation"])
    return fam.finish()


if __name__ == "__main__":
    sys.exit(main())
