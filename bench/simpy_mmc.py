#!/usr/bin/env python3
"""patrolsim against SimPy 3: the same M/M/c queue, the same number of calls, one core each.

usage: simpy_mmc.py PATROLSIM SCENARIO WORKDIR [REPS [BENCH_MODEL]]

patrolsim runs scenarios/validation/mmc.cfg (M/M/4 at rho = 0.81: 155.52 calls a day, 30 min
on scene, travel off) with REPS replications (default 10) of 170 days on one thread (-j 1),
writing every call to its results file as usual. SimPy (Debian's python3-simpy3) then
simulates the same M/M/c for the same number of calls, in the textbook way: a source
process, and one process per customer that requests a Resource of capacity c, holds it for
an exponential service time and releases it.

With BENCH_MODEL (bench/bench_model.c) it also runs the same replications in-process without
writing the results file, which splits patrolsim's time into simulation (the model and the
per-replication figures) and output (HDF5, compressed).

Printed: calls, CPU seconds and calls per CPU second of each, and the ratio. CPU time (the
child's rusage for patrolsim, process_time for SimPy) rather than wall time, so another job
on a shared machine does not count against either. Both mean waits are printed beside the
Erlang C value, to show the two programs simulate the same queue.
"""
import json
import math
import os
import random
import resource
import subprocess
import sys
import time

import simpy


def erlang_c_wait(lam, mu, c):
    a, term, s = lam / mu, 1.0, 0.0
    for k in range(c):
        s += term
        term *= a / (k + 1)
    top = term / (1 - a / c)
    return top / (s + top) / (c * mu - lam)


def simpy_mmc(lam, mu, c, n_calls, seed):
    """M/M/c in SimPy for n_calls arrivals; returns the mean wait."""
    rnd = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    stats = [0.0, 0]

    def customer(env):
        t0 = env.now
        with servers.request() as req:
            yield req
            stats[0] += env.now - t0
            stats[1] += 1
            yield env.timeout(rnd.expovariate(mu))

    def source(env):
        for _ in range(n_calls):
            yield env.timeout(rnd.expovariate(lam))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return stats[0] / stats[1]


def main():
    exe, scen, work = sys.argv[1:4]
    reps = sys.argv[4] if len(sys.argv) > 4 else "10"
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "simpy_bench.h5")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([exe, "run", scen, "-q", "-j", "1", "-r", reps, "-o", out], check=True)
    wall_p = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_p = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    js = json.loads(subprocess.run([exe, "summary", out, "--json"], check=True,
                                   capture_output=True, text=True).stdout)
    fig = js["figures"]
    n_calls = int(round(fig["calls"]["mean"] * js["replications"]))

    lam, mu, c = 155.52 / 86400.0, 1.0 / 1800.0, 4
    t0, w0 = time.process_time(), time.perf_counter()
    w_simpy = simpy_mmc(lam, mu, c, n_calls, 7)
    cpu_s, wall_s = time.process_time() - t0, time.perf_counter() - w0

    print(f"M/M/{c} at rho = {lam / mu / c:.2f}, {n_calls:,} calls each "
          f"(patrolsim: {js['replications']} replications of 170 days, -j 1)")
    print(f"  mean wait: Erlang C {erlang_c_wait(lam, mu, c):.0f} s, patrolsim "
          f"{fig['wait_mean_s']['mean']:.0f} s (counted calls), SimPy {w_simpy:.0f} s")
    print(f"  {'':10} {'CPU s':>8} {'wall s':>8} {'calls per CPU s':>16}")
    print(f"  {'patrolsim':10} {cpu_p:8.2f} {wall_p:8.2f} {n_calls / cpu_p:16,.0f}"
          "   (whole process: load, simulate, write every call to HDF5)")
    print(f"  {'SimPy 3':10} {cpu_s:8.2f} {wall_s:8.2f} {n_calls / cpu_s:16,.0f}"
          f"   (simpy {simpy.__version__}, Python {sys.version.split()[0]})")
    print(f"  patrolsim / SimPy: {cpu_s / cpu_p:.1f}x calls per CPU second (target >= 30x)")
    if len(sys.argv) > 5:
        p = subprocess.run([sys.argv[5], scen, reps], check=True, capture_output=True, text=True)
        words = p.stdout.split()
        model_cps = float(words[words.index("calls/s,") - 1].lstrip("("))
        both_cps = float(words[-1])
        print(f"  without the results file (bench_model, same replications): model "
              f"{model_cps:,.0f} calls per CPU s ({model_cps / (n_calls / cpu_s):.1f}x SimPy), "
              f"model + figures {both_cps:,.0f} ({both_cps / (n_calls / cpu_s):.1f}x SimPy)")


if __name__ == "__main__":
    main()
