#!/usr/bin/env python3
"""End-to-end checks of the patrolsim program, as a planner would use it.

usage: run_checks.py CHECK PATROLSIM SOURCE_DIR WORK_DIR

Each CHECK is one CTest test (see CMakeLists.txt). They run the default scenario
shortened with --set, so the whole set stays within seconds.
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

EXE, SRC, WORK = sys.argv[2], sys.argv[3], sys.argv[4]
SCEN = os.path.join(SRC, "scenarios", "ziliujing.cfg")
SHORT = ["--set", "run.horizon_days=4", "--set", "run.warmup_days=1", "-r", "4"]


def run(*args, check=True):
    p = subprocess.run([EXE, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"patrolsim {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def h5dump_data(path, dataset):
    """The data of one dataset as h5dump prints it: equal text means equal values."""
    out = subprocess.run(["h5dump", "-d", dataset, "-y", "-w", "0", path],
                         capture_output=True, text=True, check=True).stdout
    return out[out.index("DATA {"):]


def check_default_run():
    out = os.path.join(WORK, "default.h5")
    p = run("run", SCEN, "-o", out, *SHORT)
    print(p.stdout)
    for word in ["priority 1", "p90", "95%", "4 replications"]:
        if word not in p.stdout:
            fail(f"summary table lacks '{word}'")
    if not os.path.exists(out) or os.path.exists(out + ".tmp"):
        fail("results file missing, or its temporary file left behind")
    with h5py.File(out, "r") as f:
        if f.attrs["layout_version"] != 2:
            fail("layout_version")
        inc = f["incidents"][:]
        summ = f["summary"][:]
        for field in ["rep", "id", "type", "priority", "zone", "node", "t_call_s",
                      "t_dispatch_s", "t_arrive_s", "t_clear_s", "unit", "travel_m",
                      "response_s", "runner_up", "runner_up_travel_s"]:
            if field not in inc.dtype.names:
                fail(f"/incidents lacks {field}")
        if len(summ) != 4 or list(summ["rep"]) != [0, 1, 2, 3]:
            fail(f"/summary rows {summ['rep']}")
        ans = inc[inc["status"] == 0]
        # Response = arrival - call, and never shorter than the travel.
        if not np.allclose(ans["response_s"], ans["t_arrive_s"] - ans["t_call_s"]):
            fail("response_s != t_arrive_s - t_call_s")
        if np.any(ans["response_s"] + 1e-6 < ans["travel_s"]):
            fail("a response shorter than its travel")
        # The runner-up was never faster than the unit sent (nearest policy).
        ru = ans[ans["runner_up"] >= 0]
        if np.any(ru["runner_up_travel_s"] + 1e-6 < ru["travel_s"]):
            fail("a runner-up closer than the unit sent")
        # The summary agrees with the incidents it was computed from.
        for r in range(4):
            cnt = inc[(inc["rep"] == r) & (inc["counted"] == 1) & (inc["status"] == 0)]
            if not np.isclose(summ["response_mean_s"][r], cnt["response_s"].mean()):
                fail(f"summary response_mean_s of rep {r} disagrees with /incidents")
        per_rep = len(inc) / 4
        print(f"{per_rep:.0f} calls per replication over 4 days")
        if not 4 * 160 * 0.8 < per_rep < 4 * 160 * 1.2:
            fail("calls per replication far from 4 x 160")
    # summary reprints the same table, and --json carries CIs and the replication count.
    s = run("summary", out)
    if "priority 1" not in s.stdout:
        fail("summary output")
    js = json.loads(run("summary", out, "--json").stdout)
    fig = js["figures"]["response_mean_s"]
    if js["replications"] != 4 or fig["n"] != 4 or not fig["ci95_low"] < fig["mean"] < fig["ci95_high"]:
        fail(f"json figures {fig}")


def check_deterministic():
    a, b, c = (os.path.join(WORK, n) for n in ("det_a.h5", "det_b.h5", "det_c.h5"))
    run("run", SCEN, "-q", "-o", a, "-j", "1", *SHORT)
    run("run", SCEN, "-q", "-o", b, "-j", "1", *SHORT)
    run("run", SCEN, "-q", "-o", c, "-j", "2", *SHORT)
    for ds in ("/summary", "/incidents", "/unit_reps"):
        da = h5dump_data(a, ds)
        if da != h5dump_data(b, ds):
            fail(f"{ds} differs between two runs with the same seed")
        if da != h5dump_data(c, ds):
            fail(f"{ds} differs between 1 and 2 threads")
    d = os.path.join(WORK, "det_d.h5")
    run("run", SCEN, "-q", "-o", d, "-s", "99", *SHORT)
    if h5dump_data(a, "/incidents") == h5dump_data(d, "/incidents"):
        fail("another seed gave the same incidents")
    print("same seed: identical /summary, /incidents, /unit_reps with 1 and 2 threads")


def check_common_random_numbers():
    """Two deployments, one call model: the same calls, call for call."""
    a, b = os.path.join(WORK, "crn_a.h5"), os.path.join(WORK, "crn_b.h5")
    run("run", SCEN, "-q", "-o", a, *SHORT)
    run("run", SCEN, "-q", "-o", b, *SHORT, "--set", "units.wuxingjie-day.count=1",
        "--set", "dispatch.when_none_free=divert")
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        ia, ib = fa["incidents"][:], fb["incidents"][:]
        for field in ("rep", "t_call_s", "node", "type", "priority", "onscene_s"):
            if not np.array_equal(ia[field], ib[field]):
                fail(f"calls differ between deployments in {field}")
        if np.array_equal(ia["unit"], ib["unit"]):
            fail("the deployments made no difference at all")
    print(f"{len(ia)} calls identical across the two deployments")


def check_check():
    p = run("check", SCEN)
    print(p.stdout)
    for word in ["Wuxingjie", "per day", "utilisation", "2106 nodes"]:
        if word.lower() not in p.stdout.lower():
            fail(f"check output lacks '{word}'")


def paired_ci(a, b):
    """Mean of b - a over paired replications, with its Student-t 95% half-width."""
    from statistics import mean, stdev
    d = [y - x for x, y in zip(a, b)]
    t975 = {2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
    return mean(d), t975[len(d) - 1] * stdev(d) / len(d) ** 0.5


def check_upgrades_2015_2016():
    """The 2016 forces against 2015's, same seed, same incidents: faster, more presence."""
    a, b = os.path.join(WORK, "z2015.h5"), os.path.join(WORK, "z2016.h5")
    short = ["--set", "run.horizon_days=5", "--set", "run.warmup_days=1", "-r", "6", "-q"]
    run("run", os.path.join(SRC, "scenarios", "ziliujing-2015.cfg"), "-o", a, *short)
    run("run", SCEN, "-o", b, *short)
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        ia, ib = fa["incidents"][:], fb["incidents"][:]
        for field in ("rep", "t_incident_s", "node", "type", "onscene_s"):
            if not np.array_equal(ia[field], ib[field]):
                fail(f"2015 and 2016 do not face the same incidents ({field})")
        sa, sb = fa["summary"][:], fb["summary"][:]
        for name, sign in [("response_mean_s", -1), ("p1_response_mean_s", -1),
                           ("response_incident_mean_s", -1), ("p1_within_target", +1),
                           ("presence_mean", +1), ("camera_detected", +1)]:
            d, hw = paired_ci(sa[name], sb[name])
            print(f"{name}: 2016 - 2015 = {d:.4g} +- {hw:.2g} (paired 95% CI, 6 replications)")
            if not (sign * (d - hw) > 0 and sign * (d + hw) > 0):
                fail(f"{name}: the paired CI does not show 2016 {'above' if sign > 0 else 'below'} 2015")
        lines = fb["line_reps"][:]
        comm = lines[~np.isnan(lines["completion"])]
        if len(comm) == 0 or not (0.5 < comm["completion"].mean() <= 1.0):
            fail("community check-in completion missing or implausible")
        if len(fa["line_reps"]) != 0 or len(fa["posts"]) != 0:
            fail("2015 has lines or posts")


CHECKS = {
    "upgrades_2015_2016": check_upgrades_2015_2016,
    "default_run": check_default_run,
    "deterministic": check_deterministic,
    "common_random_numbers": check_common_random_numbers,
    "check": check_check,
}

if __name__ == "__main__":
    os.makedirs(WORK, exist_ok=True)
    CHECKS[sys.argv[1]]()
    print("ok")
