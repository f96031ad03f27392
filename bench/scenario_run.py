#!/usr/bin/env python3
"""Whole-scenario speed: replications per second of a scenario on 1 and 2 threads, and peak memory.

usage: scenario_run.py PATROLSIM SCENARIO WORKDIR [THREADS ...]     (default threads: 1 2)

Runs `patrolsim run SCENARIO -q -j N` (everything a user's run does: load the network, build
the travel tables, simulate, write the results file) under /usr/bin/time -v when it exists
(else getrusage of the child, which has no wall time split), once per thread count, and
prints wall time, CPU time, replications per second of wall time and of CPU time, and the
peak resident memory. The machine is shared: wall times move with whatever else runs, CPU
times much less (with 2 threads on 2 busy cores the wall time cannot show the speed-up; the
CPU time shows what the threads cost).
"""
import json
import os
import re
import resource
import subprocess
import sys
import time


def main():
    exe, scen, work = sys.argv[1:4]
    threads = [int(t) for t in sys.argv[4:]] or [1, 2]
    os.makedirs(work, exist_ok=True)
    gnu_time = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
    print(f"scenario {scen} on {os.cpu_count()} cores")
    print(f"{'threads':>8} {'reps':>5} {'calls':>9} {'wall s':>8} {'CPU s':>8} "
          f"{'reps/s':>8} {'reps/CPU s':>11} {'peak RSS MB':>12}")
    for n in threads:
        out = os.path.join(work, f"scenario_j{n}.h5")
        cmd = [exe, "run", scen, "-q", "-j", str(n), "-o", out]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        if gnu_time:
            p = subprocess.run([gnu_time, "-v", *cmd], capture_output=True, text=True)
        else:
            p = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rss_kb = after.ru_maxrss
        if gnu_time:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
            rss_kb = int(m.group(1)) if m else rss_kb
        js = json.loads(subprocess.run([exe, "summary", out, "--json"], check=True,
                                       capture_output=True, text=True).stdout)
        reps = js["replications"]
        calls = js["figures"]["calls"]["mean"] * reps
        print(f"{n:>8} {reps:>5} {calls:>9.0f} {wall:>8.2f} {cpu:>8.2f} {reps / wall:>8.1f} "
              f"{reps / cpu:>11.1f} {rss_kb / 1024:>12.1f}")


if __name__ == "__main__":
    main()
