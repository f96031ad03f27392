#!/usr/bin/env python3
"""A results file of layout version 1 given to every reader: `summary`, `summary --json`,
`compare` (either side), `merge`, `report`, `run --resume` and `patrolview`. Each must refuse it
with "this results file has layout version 1; this patrolsim reads version 2: re-run it" and
exit status 2 (1 for --resume, which fails while running), before looking at a column: the
version-1 file here also lacks the columns version 2 added, and a message about a column would
mean a reader looked at the columns first.

usage: old_layout.py PATROLSIM SOURCE_DIR WORK_DIR [PATROLVIEW]

The version-1 file is made from a fresh run with h5py: the layout_version attribute set to 1 and
the /summary and /incidents columns that version 2 added removed (results/README.md, "Layout
versions"). Each command runs under a 60 s limit.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

EXE, SRC, WORK = sys.argv[1:4]
VIEW = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
SCEN = os.path.join(SRC, "tests", "data", "scen", "small.cfg")
MESSAGE = "this results file has layout version 1; this patrolsim reads version 2: re-run it"
ADDED = {
    "summary": ["response_incident_mean_s", "camera_detected", "patrol_share", "post_gap",
                "presence_mean", "checkin_completion", "unstable", "major_tier1_s",
                "major_tier2_s", "major_tier3_s", "major_tier4_s", "major_full_s",
                "major_pool_officers", "calls_during_major", "response_during_major_s",
                "response_outside_major_s"],
    "incidents": ["t_incident_s", "detected", "kinds_sent", "response_incident_s"],
}
RUN = ["-q", "-r", "2", "--set", "run.horizon_days=2"]

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
failures = []


def path(name):
    return os.path.join(WORK, name)


def drop_columns(f, name, columns):
    """Rewrites the table without columns; fails the test if one of them is not there (the
    list above must follow the layout)."""
    old = f[name][:]
    missing = [c for c in columns if c not in old.dtype.names]
    if missing:
        sys.exit(f"/{name} has no column {missing}: update ADDED")
    keep = [n for n in old.dtype.names if n not in columns]
    new = np.empty(old.shape, dtype=[(n, old.dtype[n]) for n in keep])
    for n in keep:
        new[n] = old[n]
    attrs = dict(f[name].attrs)
    del f[name]
    d = f.create_dataset(name, data=new, maxshape=(None,), chunks=True)
    for k, v in attrs.items():
        d.attrs[k] = v


def expect(what, cmd, status, env=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        out, rc = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "(killed after 60 s)", None
    ok = rc == status and MESSAGE in out and "column" not in out
    print(("ok   " if ok else "FAIL ") + f"{what}: exit {rc}: {out.strip()[:300]}")
    if not ok:
        failures.append(what)


good = path("good.h5")
p = subprocess.run([EXE, "run", SCEN] + RUN + ["-o", good], capture_output=True, text=True)
if p.returncode != 0:
    sys.exit(f"cannot make the good file ({p.returncode}):\n{p.stdout}{p.stderr}")
v1 = path("v1.h5")
shutil.copyfile(good, v1)
with h5py.File(v1, "r+") as f:
    if f.attrs["layout_version"] != 2:
        sys.exit(f"the good file has layout version {f.attrs['layout_version']}: update this test")
    f.attrs["layout_version"] = np.int32(1)
    for table, columns in ADDED.items():
        drop_columns(f, table, columns)

expect("summary", [EXE, "summary", v1], 2)
expect("summary --json", [EXE, "summary", v1, "--json"], 2)
expect("compare, version 1 as A", [EXE, "compare", v1, good], 2)
expect("compare, version 1 as B", [EXE, "compare", good, v1], 2)
expect("merge", [EXE, "merge", path("merged.h5"), v1], 2)
probe = subprocess.run([EXE, "report", good, "-q", "-o", path("report-good")],
                       capture_output=True, text=True)
if "built without charts" in probe.stdout + probe.stderr:
    print("skip report: this patrolsim was built without it")
else:
    expect("report", [EXE, "report", v1, "-o", path("report")], 2)
shutil.copyfile(v1, path("resumed.h5.tmp"))
expect("run --resume", [EXE, "run", SCEN] + RUN + ["-o", path("resumed.h5"), "--resume"], 1)
if VIEW:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    expect("patrolview", [VIEW, v1, "--screenshot", path("x.png")], 2, env)
else:
    print("skip patrolview: not built")

if failures:
    sys.exit(f"{len(failures)} reader(s) failed: {', '.join(failures)}")
print("every reader refused the version-1 file with the message")
