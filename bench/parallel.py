#!/usr/bin/env python3
"""Parallel speed-up of the replications: 1 thread, 2 threads, 2 MPI ranks (1 thread each).

usage: parallel.py PATROLSIM SCENARIO WORKDIR [MPIEXEC] [REPS] [ROUNDS]
       (defaults: mpiexec from PATH, 100 replications, 3 rounds)

Each configuration runs `patrolsim run SCENARIO -r REPS` ROUNDS times, the rounds going round
the configurations, and keeps its fastest round (the machine is shared: the fastest is the one
least disturbed, and interleaving spreads a burst of load over all configurations). The rate is what the
run prints in its last lines: replications per second of the replication phase, from the
first replication handed out to the last appended to the file on rank 0, so it includes
writing the results file and, under MPI, moving every replication's records to rank 0, but
not loading the scenario and building the travel tables (done once per process, before).
The wall time of the whole command is shown beside it.

Two yardsticks. "vs 1 thread" is the rate over that of `-j 1`; but a `-j 1` run already uses a
second core, since the thread that writes the file (compression included, about a quarter of
the CPU time of a replication of the default scenario) runs beside the one worker. So the
efficiency column compares with the same run pinned to one core (taskset -c 0): efficiency =
rate / (cores x rate on 1 core), the share of the cores' work that goes into replications.
CPU ms/rep is the CPU time of the whole command (all its processes and threads, mpirun
included) per replication, without the fixed costs (starting MPI, loading the scenario,
building the travel tables): the difference between a run of REPS and one of REPS/5, divided
by the difference in replications (the best of the rounds for the long run); CPU
efficiency is that of the 1-thread run over it: how much extra work threads or MPI cost (locks,
messages, copies). Unlike the wall-time figures it hardly moves with the load of a shared
machine, so it tells the overhead apart from the noise; on dedicated cores the wall-time
efficiency tends to it, less the serial writer's share (Amdahl).
The data of every configuration are checked to be identical (same seed), so every rate is for
the same work. The replay recording is off (--replay none): it would add rank 0's work.
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import time

import h5py


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env=None):
    c0 = cpu_children()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    cpu = cpu_children() - c0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    m = re.search(r"(\d+) replications in ([\d.]+) s: ([\d.]+) replications/s", p.stdout)
    if not m:
        sys.exit(f"no rate line in the output of {' '.join(cmd)}:\n{p.stdout}")
    return float(m.group(3)), float(m.group(2)), wall, cpu


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
    # (name, worker threads, cores it may use, command prefix)
    configs = []
    taskset = shutil.which("taskset")
    if taskset:
        configs.append(("1 thread on 1 core", 1, 1, [taskset, "-c", "0"]))
    configs += [("1 thread", 1, 2, []), ("2 threads", 2, 2, [])]
    if mpiexec:
        configs.append(("2 MPI ranks x 1 thread", 2, 2,
                        [mpiexec, "-np", "2", "--oversubscribe", "--bind-to", "none"]))
    else:
        print("(no mpiexec: the MPI configuration is skipped)")
    load = os.getloadavg()[0]
    print(f"scenario {scen}, {reps} replications, best of {rounds} rounds, "
          f"{os.cpu_count()} cores, load average {load:.1f} at the start")
    print(f"{'configuration':<24} {'cores':>5} {'reps/s':>8} {'rep phase s':>12} {'wall s':>7} "
          f"{'vs 1 thread':>12} {'efficiency':>11} {'CPU ms/rep':>11} {'CPU efficiency':>15}")
    # Rounds go round the configurations, so that a burst of load elsewhere on a shared
    # machine hits them alike; each keeps its fastest round.
    best = {}
    for _ in range(rounds):
        for name, workers, cores, prefix in configs:
            mpi = prefix[:1] == [mpiexec] if mpiexec else False
            out = os.path.join(work, f"parallel_{name.replace(' ', '_')}.h5")
            threads = "1" if mpi else str(workers)
            cmd = [*prefix, exe, "run", scen, "-r", str(reps), "-j", threads, "-o", out,
                   "--replay", "none"]
            r = run(cmd, env)
            if name not in best or r[0] > best[name][0]:
                best[name] = r
    # CPU per replication without the fixed costs (starting MPI, loading the scenario, the
    # travel tables): the CPU of a run of REPS less that of a run of REPS/5, per replication
    # of the difference; the lower of two such differences.
    small = max(2, reps // 5)
    cpu_rep = {}
    for name, workers, cores, prefix in configs:
        mpi = prefix[:1] == [mpiexec] if mpiexec else False
        out = os.path.join(work, f"parallel_small.h5")
        threads = "1" if mpi else str(workers)
        cmd = [*prefix, exe, "run", scen, "-r", str(small), "-j", threads, "-o", out,
               "--replay", "none"]
        fixed = min(run(cmd, env)[3] for _ in range(2))
        cpu_rep[name] = (best[name][3] - fixed) / (reps - small)
    one_thread = best["1 thread"][0]
    one_core = best[configs[0][0]][0] if configs[0][2] == 1 else None
    ref = None
    for name, workers, cores, prefix in configs:
        out = os.path.join(work, f"parallel_{name.replace(' ', '_')}.h5")
        d = data(out)
        if ref is None:
            ref = d
        elif first_difference(ref, d):
            sys.exit(f"{name}: the data differ from the first run: {first_difference(ref, d)}")
        rate, phase, wall, _ = best[name]
        eff = f"{100 * rate / (cores * one_core):>10.0f}%" if one_core else f"{'-':>11}"
        cpu_eff = 100 * cpu_rep["1 thread"] / cpu_rep[name]
        print(f"{name:<24} {cores:>5} {rate:>8.1f} {phase:>12.2f} {wall:>7.2f} "
              f"{rate / one_thread:>12.2f} {eff} {1000 * cpu_rep[name]:>11.1f} "
              f"{cpu_eff:>14.0f}%")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print("same /summary and /incidents in every configuration")


if __name__ == "__main__":
    main()
