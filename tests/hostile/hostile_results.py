#!/usr/bin/env python3
"""Hostile results files given to `patrolsim summary`: each must get a clear message naming the
file and exit status 2 (or be read, when it is a valid file with strange values), within a few
seconds and without eating memory.

usage: hostile_results.py PATROLSIM SOURCE_DIR WORK_DIR [--table]

A good results file is made first (the small test scenario); every case is built from it (or
from nothing) with h5py or by patching bytes, then summarised. A case fails when the exit
status or the message differs from what it expects, when the run takes over TIME_LIMIT_S
seconds (a hang) or when its peak resident memory passes RSS_LIMIT_MB (eating memory). With
--table the results are printed as the Markdown rows of tests/README.md.
"""
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import time

import h5py
import numpy as np

EXE, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
TABLE = "--table" in sys.argv[4:]
TIME_LIMIT_S = 60      # a hang; a normal summary takes well under a second (more under ASan)
RSS_LIMIT_MB = 600     # peak resident memory of one summary; a normal one needs ~20 MB (ASan ~100)
SCEN = os.path.join(SRC, "tests", "data", "scen", "small.cfg")

failures = []
rows = []


def path(name):
    return os.path.join(WORK, name)


def make_good():
    good = path("good.h5")
    p = subprocess.run([EXE, "run", SCEN, "-q", "-r", "2", "--set", "run.horizon_days=2",
                        "-o", good], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"cannot make the good file ({p.returncode}):\n{p.stdout}{p.stderr}")
    return good


def summarise_measured(target):
    """Runs patrolsim summary on target; returns (exit status or None for a hang, output,
    seconds, peak resident memory of that one process in MB, through os.wait4)."""
    t0 = time.monotonic()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        os.dup2(w, 2)
        os.execv(EXE, [EXE, "summary", target])
    os.close(w)
    chunks = []
    deadline = t0 + TIME_LIMIT_S
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            os.close(r)
            return None, b"".join(chunks).decode(errors="replace"), TIME_LIMIT_S, 0.0
        ready, _, _ = select.select([r], [], [], left)
        if ready:
            data = os.read(r, 65536)
            if not data:
                break
            chunks.append(data)
    _, status, ru = os.wait4(pid, 0)
    os.close(r)
    rc = os.waitstatus_to_exitcode(status)
    return rc, b"".join(chunks).decode(errors="replace"), time.monotonic() - t0, ru.ru_maxrss / 1024


def case(name, target, want_rc, want_text, note=""):
    """Summarises target and checks the exit status and that want_text is in the output (and,
    for a refusal, that the message starts with the file's path)."""
    rc, out, secs, rss = summarise_measured(target)
    first = out.strip().splitlines()[0] if out.strip() else ""
    problems = []
    if rc is None:
        problems.append(f"no answer within {TIME_LIMIT_S} s (a hang)")
    elif rc != want_rc:
        problems.append(f"exit status {rc}, expected {want_rc}")
    if not re.search(want_text, out):
        problems.append(f"output lacks /{want_text}/")
    if want_rc == 2 and rc == 2 and not first.startswith(target):
        problems.append("the message does not start with the file's path")
    if rss > RSS_LIMIT_MB:
        problems.append(f"peak memory {rss:.0f} MB > {RSS_LIMIT_MB} MB")
    status = "ok" if not problems else "FAIL: " + "; ".join(problems)
    print(f"[{status}] {name}: exit {rc}, {secs:.2f} s, {rss:.0f} MB\n    {first[:300]}")
    if problems:
        failures.append(name)
        print(out[:2000])
    shown = first.replace(WORK + "/", "")
    rows.append(f"| results: {name} | `{shown[:160]}`{note} | {rc} |")


def copy_with(good, name, mutate):
    dst = path(name)
    shutil.copy(good, dst)
    with h5py.File(dst, "r+") as f:
        mutate(f)
    return dst


def patch(good, name, fn):
    data = bytearray(open(good, "rb").read())
    fn(data)
    dst = path(name)
    with open(dst, "wb") as f:
        f.write(data)
    return dst


def remake_summary(f, dtype=None, data=None, rows=None, fill=None):
    """Replaces /summary by a table of the given dtype (default: the file's) and content."""
    old = f["summary"][:]
    attrs = dict(f["summary"].attrs)
    del f["summary"]
    dt = dtype or old.dtype
    if rows is not None:
        ds = f.create_dataset("summary", shape=(0,), maxshape=(None,), dtype=dt, chunks=(64,))
        ds.resize((rows,))
    else:
        ds = f.create_dataset("summary", data=data if data is not None else old.astype(dt))
    if fill is not None:
        fill(ds, old)
    for k, v in attrs.items():
        ds.attrs[k] = v


def gcol_offset(data):
    i = data.find(b"GCOL")
    if i < 0:
        sys.exit("the good file has no global heap collection")
    return i


def main():
    os.makedirs(WORK, exist_ok=True)
    for name in os.listdir(WORK):
        p = path(name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.remove(p)
    good = make_good()
    size = os.path.getsize(good)

    # Not results files at all.
    case("missing file", path("missing.h5"), 2, "No such file or directory")
    open(path("empty.h5"), "wb").close()
    case("empty file (0 bytes)", path("empty.h5"), 2, "not an HDF5 file")
    with open(path("text.h5"), "w") as f:
        f.write("rep,mean\n0,1.5\n")
    case("a CSV file", path("text.h5"), 2, "not an HDF5 file")
    os.mkdir(path("dir.h5"))
    case("a directory", path("dir.h5"), 2, "is a directory")
    os.mkfifo(path("fifo.h5"))
    case("a FIFO (would block a reader)", path("fifo.h5"), 2, "not a regular file")
    case("a device (/dev/zero)", "/dev/zero", 2, "not a regular file")

    # Cut short.
    for frac in (0.02, 0.25, 0.5, 0.9):
        n = max(1, int(size * frac))
        dst = path(f"truncated{int(frac * 100)}.h5")
        with open(good, "rb") as f, open(dst, "wb") as g:
            g.write(f.read(n))
        case(f"truncated to {int(frac * 100)}% ({n} of {size} bytes)", dst, 2,
             "truncated or damaged HDF5 file|not an HDF5 file")

    # HDF5, but not ours, or not this layout.
    with h5py.File(path("other.h5"), "w") as f:
        f.create_dataset("data", data=np.arange(10.0))
        f.attrs["creator"] = "another program"
    case("HDF5 from another program", path("other.h5"), 2,
         r"not a patrolsim results file \(no layout_version attribute\)")
    # A real version-1 file, and what every reader says of it: old_layout.py.
    case("older layout (layout_version 0)",
         copy_with(good, "layout0.h5", lambda f: f.attrs.__setitem__("layout_version", np.int32(0))),
         2, "this results file has layout version 0; this patrolsim reads version 2: re-run it")
    case("newer layout (layout_version 3)",
         copy_with(good, "layout3.h5", lambda f: f.attrs.__setitem__("layout_version", np.int32(3))),
         2, "this results file has layout version 3, newer than this patrolsim reads")
    case("layout_version a string",
         copy_with(good, "layout_str.h5", lambda f: f.attrs.__setitem__("layout_version", "1")),
         2, "not a patrolsim results file")
    case("n_priorities 99",
         copy_with(good, "prio99.h5", lambda f: f.attrs.__setitem__("n_priorities", np.int32(99))),
         2, r"n_priorities is 99, must be 1\.\.5")
    case("no /summary", copy_with(good, "nosummary.h5", lambda f: f.__delitem__("summary")),
         2, "no /summary table")

    def summary_group(f):
        del f["summary"]
        f.create_group("summary")
    case("/summary is a group", copy_with(good, "summary_group.h5", summary_group), 2,
         "/summary: not a dataset|/summary: not a table")

    def summary_2d(f):
        del f["summary"]
        f.create_dataset("summary", data=np.zeros((3, 3)))
    case("/summary is a 2-D array", copy_with(good, "summary_2d.h5", summary_2d), 2,
         r"/summary: not a table \(a 1-D compound dataset\)")

    def renamed(f):
        dt = f["summary"].dtype
        names = list(dt.names)
        names[3] = "something_else"
        new = np.dtype({"names": names, "formats": [dt[i] for i in range(len(names))]})
        old = f["summary"][:]
        data = np.zeros(len(old), dtype=new)
        for a, b in zip(dt.names, names):
            data[b] = old[a]
        remake_summary(f, dtype=new, data=data)
    case("/summary with a renamed column", copy_with(good, "renamed.h5", renamed), 2,
         "/summary: column 4 is 'something_else' where layout version 2")

    def string_column(f):
        dt = f["summary"].dtype
        formats = [dt[i] for i in range(len(dt.names))]
        formats[5] = "S8"
        new = np.dtype({"names": list(dt.names), "formats": formats})
        old = f["summary"][:]
        data = np.zeros(len(old), dtype=new)
        for i, a in enumerate(dt.names):
            data[a] = b"abc" if i == 5 else old[a]
        remake_summary(f, dtype=new, data=data)
    case("/summary with a text column", copy_with(good, "strcol.h5", string_column), 2,
         "is not a number in the file")

    # Absurd sizes.
    case("/summary claiming 10^12 rows",
         copy_with(good, "rows1e12.h5", lambda f: remake_summary(f, rows=10**12)), 2,
         "/summary claims 1000000000000 rows, but a run has at most 100000 replications")
    case("/summary claiming 200,000 rows",
         copy_with(good, "rows2e5.h5", lambda f: remake_summary(f, rows=200000)), 2,
         "claims 200000 rows")

    def gheap_huge(d):
        g = gcol_offset(d)
        d[g + 8:g + 16] = struct.pack("<Q", 1 << 31)
    case("global heap (the strings) claiming 2 GB", patch(good, "gheap2g.h5", gheap_huge), 2,
         "damaged global heap collection|actual len exceeds EOA")

    def gheap_zero(d):
        g = gcol_offset(d)
        d[g + 16:g + 18] = b"\0\0"            # first object: index 0 (free space) ...
        d[g + 24:g + 32] = b"\0" * 8          # ... of size 0: HDF5 1.10 loops forever
    case("global heap with a 0-size object (hangs h5dump)", patch(good, "gheap0.h5", gheap_zero),
         2, "damaged global heap collection")

    # Missing or mistyped attributes.
    case("scenario_name missing",
         copy_with(good, "noname.h5", lambda f: f.attrs.__delitem__("scenario_name")), 2,
         "attribute scenario_name not found")
    case("scenario_name a number",
         copy_with(good, "intname.h5", lambda f: f.attrs.__setitem__("scenario_name", 5)), 2,
         "attribute scenario_name is not a single string")
    case("seed a string",
         copy_with(good, "strseed.h5", lambda f: f.attrs.__setitem__("seed", "seven")), 2,
         "attribute seed is not a single number")

    # Valid files with strange values: read and printed, not refused.
    def strange(ds, old):
        data = old.copy()
        for i, n in enumerate(data.dtype.names):
            if data.dtype[n].kind == "f":
                data[n] = [np.nan, np.inf] if i % 2 else [-np.inf, 1e308]
            elif n != "rep":
                data[n] = np.iinfo(data.dtype[n]).max
        ds.resize((len(data),)) if ds.maxshape[0] is None else None
        ds[...] = data
    case("NaN, inf and huge values in /summary",
         copy_with(good, "nan.h5", lambda f: remake_summary(f, fill=strange,
                                                            data=f["summary"][:])),
         0, "Response time by priority")
    case("an empty /summary (no replication finished)",
         copy_with(good, "zero_rows.h5", lambda f: remake_summary(f, rows=0)), 0,
         "0 of 2 replications \\(run incomplete\\)")

    # A file being written: HDF5's lock says so.
    locked = copy_with(good, "locked.h5", lambda f: None)
    with h5py.File(locked, "r+"):
        case("a file another process is writing (locked)", locked, 2,
             "locked by a process writing it")

    if TABLE:
        print("\n".join(rows))
    if failures:
        print(f"{len(failures)} case(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print(f"all {len(rows)} cases as expected")


if __name__ == "__main__":
    main()
