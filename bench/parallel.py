#!/usr/bin/env python3
"""Parallel speed-up of the replications: 1 thread, 2 threads, 2 MPI ranks (1 thread each).

usage: parallel.py PATROLSIM SCENARIO WORKDIR [MPIEXEC] [REPS] [ROUNDS]
       (defaults: mpiexec from PATH, 100 replications, 3 rounds)

Each configuration runs `patrolsim run SCENARIO -r REPS` ROUNDS times and keeps the fastest
round (the machine is shared: the fastest is the one least disturbed). The rate is what the
run prints in its last lines: replications per second of the replication phase, from the
first replication handed out to the last appended to the file on rank 0, so it includes
writing the results file and, under MPI, moving every replication's records to rank 0, but
not loading the scenario and building the travel tables (done once per process, before).
The wall time of the whole command is shown beside it.

Parallel efficiency = rate with N workers / (N x rate with 1 thread). The data of every
configuration are checked to be identical (same seed), so the speed-up is for the same work.
"""
import os
import re
import shutil
import subprocess
import sys
import time

import h5py


def run(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    m = re.search(r"(\d+) replications in ([\d.]+) s: ([\d.]+) replications/s", p.stdout)
    if not m:
        sys.exit(f"no rate line in the output of {' '.join(cmd)}:\n{p.stdout}")
    return float(m.group(3)), float(m.group(2)), wall


def data(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][:] for k in ("summary", "incidents", "unit_reps")}


def first_difference(a, b):
    """Where two runs' tables first differ: 'incidents row 1234 (rep 17): t_arrive_s'."""
    for k in a:
        x, y = a[k], b[k]
        if x.tobytes() == y.tobytes():
            continue
        if len(x) != len(y):
            return f"{k}: {len(x)} rows vs {len(y)}"
        for i in range(len(x)):
            if x[i].tobytes() != y[i].tobytes():
                cols = [n for n in x.dtype.names if x[i][n].tobytes() != y[i][n].tobytes()]
                return f"{k} row {i} (rep {x[i]['rep']}): {', '.join(cols)}"
    return None


def main():
    exe, scen, work = sys.argv[1:4]
    mpiexec = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else shutil.which("mpiexec")
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ)
    if os.geteuid() == 0:
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    configs = [("1 thread", 1, []), ("2 threads", 2, [])]
    if mpiexec:
        configs.append(("2 MPI ranks x 1 thread", 2,
                        [mpiexec, "-np", "2", "--oversubscribe", "--bind-to", "none"]))
    else:
        print("(no mpiexec: the MPI configuration is skipped)")
    load = os.getloadavg()[0]
    print(f"scenario {scen}, {reps} replications, best of {rounds} rounds, "
          f"{os.cpu_count()} cores, load average {load:.1f} at the start")
    print(f"{'configuration':<24} {'workers':>7} {'reps/s':>8} {'rep phase s':>12} "
          f"{'wall s':>7} {'speed-up':>9} {'efficiency':>10}")
    base = None
    ref = None
    for name, workers, prefix in configs:
        out = os.path.join(work, f"parallel_{workers}_{'mpi' if prefix else 'thr'}.h5")
        threads = "1" if prefix else str(workers)
        cmd = [*prefix, exe, "run", scen, "-r", str(reps), "-j", threads, "-o", out]
        best = max((run(cmd, env) for _ in range(rounds)), key=lambda r: r[0])
        rate, phase, wall = best
        if base is None:
            base = rate
        d = data(out)
        if ref is None:
            ref = d
        elif first_difference(ref, d):
            sys.exit(f"{name}: the data differ from the 1-thread run: {first_difference(ref, d)}")
        speedup = rate / base
        print(f"{name:<24} {workers:>7} {rate:>8.1f} {phase:>12.2f} {wall:>7.2f} "
              f"{speedup:>9.2f} {100 * speedup / workers:>9.0f}%")
    print("same /summary and /incidents in every configuration")


if __name__ == "__main__":
    main()
