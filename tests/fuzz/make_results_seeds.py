"""make_results_seeds.py - seed corpus for fuzz_results: real results files, made small.

    make_results_seeds.py PATROLSIM SOURCE_DIR OUT_DIR

Runs patrolsim on the small test scenario (one replication of one day, and two of two days)
and writes, besides those files, a trimmed copy of each that holds only what
results_read_summary reads (the root attributes and /summary): a few kilobytes, so that
most mutations land in bytes the reader looks at.
"""
import os
import subprocess
import sys

import h5py


def main():
    patrolsim, src, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    scen = os.path.join(src, "tests", "data", "scen", "small.cfg")
    made = []
    for name, reps, days in (("one", 1, 1), ("two", 2, 2)):
        path = os.path.join(out, name + ".h5")
        subprocess.run([patrolsim, "run", scen, "-q", "-r", str(reps), "-o", path,
                        "--set", "run.horizon_days=%d" % days, "--set", "run.warmup_days=0"],
                       check=True)
        made.append(path)
        trimmed = os.path.join(out, name + "-summary.h5")
        with h5py.File(path, "r") as f, h5py.File(trimmed, "w", libver="earliest") as g:
            for k, v in f.attrs.items():
                if k != "scenario_text":
                    g.attrs[k] = v
            f.copy("summary", g)
        made.append(trimmed)
    for p in made:
        print("%s: %d bytes" % (p, os.path.getsize(p)))


if __name__ == "__main__":
    main()
