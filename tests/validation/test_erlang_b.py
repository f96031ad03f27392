#!/usr/bin/env python3
"""The loss system M/M/c/c against Erlang B: the fraction of calls diverted, and utilisation.

usage: test_erlang_b.py PATROLSIM WORKDIR LAMBDA_PER_DAY MEAN_SERVICE_S C [DIST]

Runs scenarios/validation/erlang_b.cfg (dispatch.when_none_free = "divert": a call that finds
no free unit is lost; travel off) with the given arrival rate, mean on-scene time and number
of units, and compares with Erlang B (Erlang 1917; e.g. Kleinrock, Queueing Systems I,
sec. 3.6), computed by the stable recursion

  B(0, a) = 1,   B(k, a) = a B(k-1, a) / (k + a B(k-1, a)),   a = lambda / mu,

for the fraction of counted calls diverted (per replication: /summary diverted / counted)
and the utilisation a (1 - B) / c (/summary utilisation). Also checks, exactly, that no
answered call waited: a loss system has no queue.

DIST (default "exponential") sets the on-scene time's distribution; "fixed" makes it M/D/c/c,
which has the same B: Erlang B depends on the service time only through its mean
(Sevastyanov 1957), so the model's loss logic is checked apart from the exponential case.
"""
import sys

import h5py
import numpy as np

import vcommon as v


def erlang_b(c, a):
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def main():
    exe, work, lam_day, mean_s, c = sys.argv[1:6]
    dist = sys.argv[6] if len(sys.argv) > 6 else "exponential"
    lam, mu, c = float(lam_day) / 86400.0, 1.0 / float(mean_s), int(c)
    out = v.run(exe, v.scenario("erlang_b.cfg"), f"{work}/erlang_b_{lam_day}_{mean_s}_{c}_{dist}.h5",
                "--set", f"calls.per_day={lam_day}",
                "--set", f"incident_types.[0].onscene.mean_s={mean_s}",
                "--set", f"units.[0].count={c}",
                "--set", f"incident_types.[0].onscene.dist={dist}")
    a = lam / mu
    b = erlang_b(c, a)
    with h5py.File(out, "r") as f:
        summ = f["summary"][:]
        inc = f["incidents"].fields(["counted", "status", "wait_s"])[:]
    ans = inc[(inc["counted"] == 1) & (inc["status"] == 0)]
    if np.any(ans["wait_s"] != 0):
        print(f"FAIL: {np.sum(ans['wait_s'] != 0)} answered calls waited in a loss system")
        return 1
    if np.any(inc["status"] == 2):
        print("FAIL: calls left unanswered in a loss system")
        return 1
    blocked = summ["diverted"] / summ["counted"]
    print(f"M/{'D' if dist == 'fixed' else 'M'}/{c}/{c} ({dist} on-scene): a = lambda/mu = {a:.4f} Erlang; {len(summ)} replications, "
          f"{summ['counted'].mean():.0f} counted calls each")
    fam = v.Family(f"Erlang B, c = {c}, a = {a:.3f}")
    fam.add("blocked fraction", b, blocked)
    fam.add("utilisation", a * (1 - b) / c, summ["utilisation"])
    return fam.finish()


if __name__ == "__main__":
    sys.exit(main())
