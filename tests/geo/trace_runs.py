#!/usr/bin/python3
"""trace_runs.py - a trace-driven run as a planner makes one (issue 9 part 3).

Two deployments replay the shipped sample history (scenarios/ziliujing-history.cfg, the 2016
forces; and the same with two of Wuxingjie's four day cars taken away) and `patrolsim compare`
pairs them. Checked against the history file itself, read here independently of the program:
every replication of both runs holds the history's calls, call for call (time from day 0, node
nearest the row's position, type, priority, the on-scene time the row gives); the on-scene times
the rows leave empty are drawn and differ between replications but not between deployments;
the history is among the run's hashed inputs; compare finds the same incidents (common random
numbers) and pairs all replications; `check` describes the replay and, with run.horizon_days
set, counts the calls it drops.

usage: trace_runs.py PATROLSIM SOURCE_DIR WORK_DIR
"""
import csv
import datetime
import json
import os
import subprocess
import sys

import h5py
import numpy as np

REPS = 4


def run(args, ok=(0,)):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit("FAIL: %s exited %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p.stdout + p.stderr


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def read_history(path):
    """The sample's rows as (t_s from 00:00 of day 0, x, y, type, priority, onscene_s)."""
    rows = []
    with open(path, newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        t = datetime.datetime.fromisoformat(r["time"])
        rows.append((t, float(r["x_m"]), float(r["y_m"]), r["type"],
                     int(r["priority"]) if r["priority"] else 0,
                     float(r["onscene_min"]) * 60 if r["onscene_min"] else float("nan")))
    day0 = min(r[0] for r in rows).replace(hour=0, minute=0, second=0)
    rows = [((r[0] - day0).total_seconds(),) + r[1:] for r in rows]
    rows.sort(key=lambda r: r[0])  # Python's sort is stable: ties stay in file order
    return rows, day0


def main():
    exe, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(src, "scenarios", "ziliujing-history.cfg")
    hist = os.path.join(src, "scenarios", "ziliujing", "history-2016-sample.csv")
    rows, day0 = read_history(hist)
    n = len(rows)

    out = run([exe, "check", cfg])
    expect("Calls: replayed from a call history" in out, "check does not say the calls are replayed")
    expect("%d calls over 28 days from Tuesday 2016-03-01 (day 0)" % n in out,
           "check does not describe the history's calendar:\n" + out)
    expect("unused in trace mode (they generate no calls): calls.per_day" in out,
           "check does not name the unused settings")
    expect("starting on a Tuesday" in out, "day 0 is not the history's weekday")

    seven = sum(1 for r in rows if r[0] < 7 * 86400)
    out = run([exe, "check", cfg, "--set", "run.horizon_days=7"])
    expect("dropped: %d calls at or after day 7 (run.horizon_days); %d replayed" % (n - seven, seven)
           in out, "check does not count the dropped calls:\n" + out)

    a = os.path.join(work, "a.h5")
    b = os.path.join(work, "b.h5")
    common = ["-r", str(REPS), "-j", "2", "-q", "--replay", "none"]
    run([exe, "run", cfg, "-o", a] + common)
    run([exe, "run", cfg, "-o", b, "--set", "units.wuxingjie-day.count=2"] + common)

    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        paths = [p.decode() for p in fa["inputs"]["path"]]
        expect(any(p.endswith("ziliujing/history-2016-sample.csv") for p in paths),
               "the history is not among the hashed inputs: %s" % paths)
        types = [t.decode() for t in fa["types"]["name"]]
        type_prio = dict(zip(types, fa["types"]["priority"]))
        nodes = fa["network"]["nodes"][:]
        xy = np.stack([nodes["x_m"], nodes["y_m"]], axis=1)
        want_node = []
        for r in rows:
            d2 = (xy[:, 0] - r[1]) ** 2 + (xy[:, 1] - r[2]) ** 2
            want_node.append(nodes["id"][int(np.argmin(d2))])
        want_t = np.array([r[0] for r in rows])
        want_type = np.array([types.index(r[3]) for r in rows])
        want_prio = np.array([r[4] if r[4] else type_prio[r[3]] for r in rows])
        known = np.array([not np.isnan(r[5]) for r in rows])
        want_on = np.array([r[5] for r in rows])

        ia, ib = fa["incidents"][:], fb["incidents"][:]
        drawn = []
        for rep in range(REPS):
            for name, inc in (("A", ia), ("B", ib)):
                c = inc[inc["rep"] == rep]
                c = c[np.argsort(c["id"])]
                expect(len(c) == n, "%s rep %d: %d calls, the history has %d" % (name, rep, len(c), n))
                expect(np.array_equal(c["t_incident_s"], want_t), "%s rep %d: incident times differ" % (name, rep))
                expect(np.array_equal(c["node_id"], np.array(want_node)),
                       "%s rep %d: nodes are not the nearest to the rows' positions" % (name, rep))
                expect(np.array_equal(c["type"], want_type), "%s rep %d: types differ" % (name, rep))
                expect(np.array_equal(c["priority"], want_prio), "%s rep %d: priorities differ" % (name, rep))
                expect(np.allclose(c["onscene_s"][known], want_on[known], rtol=1e-12, atol=0),
                       "%s rep %d: the known on-scene times differ" % (name, rep))
                expect(np.all(c["t_call_s"] >= c["t_incident_s"]), "reported before the incident")
            ca = ia[ia["rep"] == rep]
            cb = ib[ib["rep"] == rep]
            ca, cb = ca[np.argsort(ca["id"])], cb[np.argsort(cb["id"])]
            expect(np.array_equal(ca["onscene_s"], cb["onscene_s"]),
                   "rep %d: the drawn on-scene times differ between deployments" % rep)
            drawn.append(ca["onscene_s"][~known])
        expect(known.sum() < n, "the sample leaves no on-scene time empty")
        expect(not np.array_equal(drawn[0], drawn[1]),
               "the drawn on-scene times are the same in two replications")

    cmp = json.loads(run([exe, "compare", a, b, "--json"]))
    expect(cmp["same_seed"] and cmp["same_incidents"], "compare: not the same incidents: %s" % cmp["warnings"])
    expect(cmp["pairs"] == REPS, "compare paired %d replications, not %d" % (cmp["pairs"], REPS))
    resp = cmp["figures"]["response_mean_s"]
    expect(resp["n"] == REPS and resp["half_width"] >= 0, "no paired CI for the mean response")
    text = run([exe, "compare", a, b, "--strict"])
    expect("Common random numbers: both runs faced the same incidents" in text,
           "compare --strict does not confirm common random numbers:\n" + text)
    print("trace runs: %d calls replayed in %d replications of two deployments; B - A mean "
          "response %+.1f s (95%% CI %+.1f to %+.1f s, %d pairs)"
          % (n, REPS, resp["diff"], resp["ci95_low"], resp["ci95_high"], resp["n"]))


if __name__ == "__main__":
    main()
