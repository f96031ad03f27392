"""A run killed while HDF5 was flushing can leave a table extended without its data: the rows
read back as the fill value (rep 0, all zeros). --resume must not keep such a replication as if
it were whole. Each case tears the last replication of a finished run in one table the way an
interrupted flush would, marks the file unfinished, resumes, and checks that the replication
was run again and the data are those of the uninterrupted run.

Usage: test_resume_torn.py PATROLSIM SCENARIO OUTDIR"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

EXE, SCEN, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ARGS = [SCEN, "--set", "run.horizon_days=3", "--set", "run.warmup_days=1", "-r", "6", "-j", "1",
        "--replay", "none"]
REPS = 6


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(*args):
    p = subprocess.run([EXE, *args], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"patrolsim {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def tables(path):
    out = {}
    with h5py.File(path, "r") as f:
        for name, obj in f.items():
            if isinstance(obj, h5py.Dataset) and obj.dtype.names and "rep" in obj.dtype.names:
                out[name] = obj[()].tobytes()
    return out


def tear(path, table, whole_row):
    """Zeroes the last replication's rows of table (or, with whole_row False, only the rows'
    rep field is left alone and everything after the first half is zeroed)."""
    with h5py.File(path, "r+") as f:
        d = f[table]
        data = d[()]
        last = np.nonzero(data["rep"] == REPS - 1)[0]
        if len(last) == 0:
            fail(f"{table}: no row of the last replication to tear")
        cut = last[0] if whole_row else last[len(last) // 2]
        data[cut:] = np.zeros(1, dtype=data.dtype)
        d[...] = data
        f.attrs["status"] = "incomplete"


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = os.path.join(OUT, "ref.h5")
    run("run", *ARGS, "-q", "-o", ref)
    want = tables(ref)
    for table, whole in (("unit_reps", True), ("incidents", False), ("summary", True),
                         ("line_reps", False), ("cell_reps", True)):
        target = os.path.join(OUT, f"torn_{table}.h5")
        for p in (target, target + ".tmp"):
            if os.path.exists(p):
                os.remove(p)
        shutil.copy(ref, target + ".tmp")
        tear(target + ".tmp", "/" + table, whole)
        p = run("run", *ARGS, "-o", target, "--resume")
        if f"{REPS - 1} replications were already in the file" not in p.stdout:
            fail(f"/{table} torn: resume should keep {REPS - 1} replications:\n{p.stdout}")
        got = tables(target)
        for name in want:
            if got.get(name) != want[name]:
                fail(f"/{table} torn: /{name} differs from the uninterrupted run")
        print(f"/{table} torn in the last replication: it was run again, "
              f"{len(want)} tables as uninterrupted")
    print("OK")


main()
