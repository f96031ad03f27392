"""bad_files.py - patrolview given files it cannot show, and bad arguments: each gives a message
that names the file (or the option) and says what is wrong, and exit status 2; never a crash.

usage: bad_files.py PATROLVIEW PATROLSIM SOURCE_DIR OUTDIR   (OUTDIR holds a.h5, noreplay.h5)
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

pv, psim, src, out = sys.argv[1:5]
work = os.path.join(out, "bad")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
good = os.path.join(out, "a.h5")
failures = 0


def expect(args, *needles, status=2, env=None):
    """Runs patrolview with args; the status must match and stderr contain every needle."""
    global failures
    p = subprocess.run([pv] + args, capture_output=True, text=True, timeout=60, env=env)
    err = p.stderr
    ok = p.returncode == status and all(n in err for n in needles)
    # A crash shows as a signal (negative status) or a sanitizer report.
    ok = ok and p.returncode >= 0 and "AddressSanitizer" not in err
    print(("ok   " if ok else "FAIL ") + " ".join(args[:3]) + " -> %d: %s" % (p.returncode,
                                                                          err.strip()[:300]))
    if not ok:
        print("     expected status %d and %r" % (status, needles))
        failures += 1


def copy(name):
    path = os.path.join(work, name)
    shutil.copyfile(good, path)
    return path


# Not there, not HDF5, truncated.
missing = os.path.join(work, "missing.h5")
expect([missing, "--screenshot", os.path.join(work, "x.png")], missing)
text = os.path.join(work, "text.h5")
with open(text, "w") as f:
    f.write("name = \"not a results file\";\n" * 40)
expect([text, "--screenshot", os.path.join(work, "x.png")], text, "HDF5")
for frac in (0.5, 0.9):
    trunc = os.path.join(work, "trunc%d.h5" % int(frac * 100))
    with open(good, "rb") as f:
        data = f.read()
    with open(trunc, "wb") as f:
        f.write(data[: int(len(data) * frac)])
    expect([trunc, "--screenshot", os.path.join(work, "x.png")], trunc)

# HDF5, but not ours; ours, but of another layout version; ours without a replay.
foreign = os.path.join(work, "foreign.h5")
with h5py.File(foreign, "w") as f:
    f["temperature"] = np.arange(10.0)
expect([foreign, "--screenshot", os.path.join(work, "x.png")], foreign,
       "not a patrolsim results file")
newer = copy("newer.h5")
with h5py.File(newer, "r+") as f:
    f.attrs["layout_version"] = np.int32(99)
expect([newer, "--screenshot", os.path.join(work, "x.png")], newer, "layout version")
expect([os.path.join(out, "noreplay.h5")], "noreplay.h5", "no replay recorded",
       "--replay 0")
expect([good, "--rep", "5"], good, "replication 5 was not recorded", "recorded: 0")

# Replay tables that contradict themselves or the rest of the file.
legs = copy("legs.h5")
with h5py.File(legs, "r+") as f:
    d = f["replay/rep_0/legs"]
    row = d[0]
    row["first"] = 10**9
    d[0] = row
expect([legs, "--screenshot", os.path.join(work, "x.png")], legs, "/replay/rep_0/legs: row 0")
units = copy("units.h5")
with h5py.File(units, "r+") as f:
    d = f["replay/rep_0/unit_states"]
    row = d[3]
    row["unit"] = 4000
    d[3] = row
expect([units, "--screenshot", os.path.join(work, "x.png")], units,
       "unit_states: row 3: unit 4000 is not in /units")
nodes = copy("nodes.h5")
with h5py.File(nodes, "r+") as f:
    d = f["replay/rep_0/leg_points"]
    row = d[5]
    row["node"] = 10**8
    d[5] = row
expect([nodes, "--screenshot", os.path.join(work, "x.png")], nodes,
       "leg_points: row 5: node 100000000 is not in the network")
gone = copy("gone.h5")
with h5py.File(gone, "r+") as f:
    del f["replay/rep_0/candidates"]
expect([gone, "--screenshot", os.path.join(work, "x.png")], gone, "candidates")

# Bad arguments.
expect([good, "--at", "1:25:00"], "--at", "DAY:HH:MM")
expect([good, "--speed", "0"], "--speed")
expect([good, "--frames", work], "--from")
expect([good, "--hide", "trees"], "unknown layer 'trees'")
expect([good, "--select", "unit:nobody", "--screenshot", os.path.join(work, "x.png")],
       "no unit 'nobody'")
expect([good, "--at", "400:00:00", "--screenshot", os.path.join(work, "x.png")],
       "after the end of the run")
expect([good, good, good], "at most two files")
# --video without ffmpeg on the PATH says so plainly.
env = dict(os.environ, PATH=work)
expect([good, "--video", os.path.join(work, "x.mp4"), "--from", "1:00:00", "--to", "1:00:05"],
       "needs ffmpeg, which is not installed", env=env)

# And the good file still works after all that.
expect([good, "--screenshot", os.path.join(work, "ok.png"), "--at", "1:12:00"], status=0)

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
