#!/usr/bin/python3
"""test_major_area.py - ordinary calls during major incidents vs outside, by area, and the
reserve tiers' lines in the report's build-up chart.

    test_major_area.py PATROLSIM SOURCE_DIR OUTDIR [noreport]

1. Runs tests/data/scen/major_area.cfg: a 10-hour major incident that takes both cars of zone
   North, whose calls only they answer, while zone South keeps its own cars. Checks that
   - /major_area_reps equals the split recomputed here from /incidents, /major_reps and /zones
     (district, zone kinds, zones; counts exactly, means and shares to 1e-9), and its district
     rows equal /summary's calls_during_major and response_*_major_s;
   - every North call received after both cars reached the incident, and before it ended, was
     reached only after the end (the cars are held), so North's difference is large and
     significant while South's is near zero;
   - `summary --json` gives per area the means, CIs and the paired difference computed here
     with numpy, and the text table shows both zones;
   - the table holds the same bytes with 1 or 2 threads and from two shards merged;
   - a run whose incident falls after the horizon has no rows and no such table.
2. Runs the default scenario briefly (its exercise needs 230 officers on day 10) and reports it:
   /reserve_tiers holds 30, 110, 230 cumulative officers, and major.svg draws three horizontal
   tier lines at heights proportional to them (and no separate "needed" line: the last tier is
   exactly what the incident needs). Skipped with `noreport` (patrolsim built without report).
Exits 1 on the first failure.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

PATROLSIM, SRC, OUT = sys.argv[1:4]
WITH_REPORT = sys.argv[4:5] != ["noreport"]
SCEN = os.path.join(SRC, "tests", "data", "scen", "major_area.cfg")
DEFAULT = os.path.join(SRC, "scenarios", "ziliujing.cfg")

# t(0.975, df) for df = 1..30.
T975 = [12.7062047, 4.30265273, 3.18244631, 2.77644511, 2.57058184, 2.44691185, 2.36462425,
        2.30600414, 2.26215716, 2.22813885, 2.20098516, 2.17881283, 2.16036866, 2.14478669,
        2.13144955, 2.11990530, 2.10981558, 2.10092204, 2.09302405, 2.08596345, 2.07961384,
        2.07387307, 2.06865761, 2.06389856, 2.05953855, 2.05552944, 2.05183052, 2.04840714,
        2.04522964, 2.04227246]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(args, expect=0):
    p = subprocess.run([PATROLSIM] + args, capture_output=True, text=True)
    if p.returncode != expect:
        fail("patrolsim %s: exit %d, expected %d\n%s%s" % (" ".join(args), p.returncode, expect,
                                                           p.stdout, p.stderr))
    return p


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def ci(values):
    v = np.array([x for x in values if not math.isnan(x)])
    n = len(v)
    mean = float(v.mean()) if n else float("nan")
    hw = float(T975[n - 2] * v.std(ddof=1) / math.sqrt(n)) if n >= 2 else float("nan")
    return mean, hw, n


def expected_rows(path):
    """The /major_area_reps rows recomputed from the file's calls, incidents and zones."""
    with h5py.File(path, "r") as f:
        inc = f["incidents"][:]
        mr = f["major_reps"][:]
        zones = f["zones"][:]
        kinds = [k.decode() if isinstance(k, bytes) else k
                 for k in f["major_area_reps"].attrs["zone_kind_names"]]
        reps = sorted(int(r) for r in f["summary"]["rep"])
    zone_kind = [kinds.index(z["kind"].decode()) for z in zones]
    rows = []
    for r in reps:
        majors = mr[(mr["rep"] == r) & (mr["random"] != 2)]
        if len(majors) == 0:
            continue
        calls = inc[(inc["rep"] == r) & (inc["counted"] == 1)]
        during = np.zeros(len(calls), bool)
        for m in majors:
            during |= (calls["t_call_s"] >= m["t_start_s"]) & (calls["t_call_s"] < m["t_end_s"])
        areas = [(0, 0, np.ones(len(calls), bool))]
        areas += [(1, k, np.isin(calls["zone"], [z for z, zk in enumerate(zone_kind) if zk == k]))
                  for k in range(len(kinds))]
        areas += [(2, z, calls["zone"] == z) for z in range(len(zones))]
        for kind, area, sel in areas:
            row = {"rep": r, "area_kind": kind, "area": area}
            for side, mask in (("during", sel & during), ("outside", sel & ~during)):
                c = calls[mask]
                ans = c[c["status"] == 0]
                p1 = ans[ans["priority"] == 1]
                row["calls_" + side] = len(c)
                row["n_" + side] = len(ans)
                row["response_%s_s" % side] = (float(ans["response_s"].mean()) if len(ans)
                                               else float("nan"))
                row["p1_" + side] = len(p1)
                row["p1_within_" + side] = (float((p1["response_s"] <= p1["target_s"]).mean())
                                            if len(p1) else float("nan"))
            rows.append(row)
    return rows


def check_table(path):
    want = expected_rows(path)
    with h5py.File(path, "r") as f:
        got = f["major_area_reps"][:]
        summary = f["summary"][:]
        units = dict(zip([n.decode() if isinstance(n, bytes) else n
                          for n in f["major_area_reps"].attrs["field_names"]],
                         [u.decode() if isinstance(u, bytes) else u
                          for u in f["major_area_reps"].attrs["units"]]))
    check(units["response_during_s"] == "s" and units["p1_within_outside"] == "1" and
          units["calls_during"] == "count", "/major_area_reps units: %r" % units)
    check(len(got) == len(want), "/major_area_reps: %d rows, expected %d" % (len(got), len(want)))
    for g, w in zip(got, want):
        for k, v in w.items():
            if isinstance(v, float):
                check(close(float(g[k]), v), "rep %d area %d/%d %s: %r, expected %r" %
                      (w["rep"], w["area_kind"], w["area"], k, float(g[k]), v))
            else:
                check(int(g[k]) == v, "rep %d area %d/%d %s: %d, expected %d" %
                      (w["rep"], w["area_kind"], w["area"], k, int(g[k]), v))
    for s in summary:
        d = got[(got["rep"] == s["rep"]) & (got["area_kind"] == 0)]
        check(len(d) == 1, "rep %d: %d district rows" % (s["rep"], len(d)))
        check(int(d["calls_during"][0]) == int(s["calls_during_major"]) and
              close(float(d["response_during_s"][0]), float(s["response_during_major_s"])) and
              close(float(d["response_outside_s"][0]), float(s["response_outside_major_s"])),
              "rep %d: district row differs from /summary" % s["rep"])
    print("/major_area_reps: %d rows equal the recomputation from /incidents" % len(got))
    return got


def check_held(path):
    """North's calls while both North cars are held at the incident wait for its end."""
    with h5py.File(path, "r") as f:
        inc = f["incidents"][:]
        mr = f["major_reps"][:]
    seen = 0
    for m in mr[mr["random"] != 2]:
        check(not math.isnan(m["t_full_s"]), "rep %d: the incident never had its 4 officers"
              % m["rep"])
        c = inc[(inc["rep"] == m["rep"]) & (inc["zone"] == 0) & (inc["counted"] == 1) &
                (inc["t_call_s"] >= m["t_start_s"] + m["t_full_s"]) &
                (inc["t_call_s"] < m["t_end_s"])]
        seen += len(c)
        late = c[~(c["t_arrive_s"] >= m["t_end_s"])]
        check(len(late) == 0, "rep %d: North call %d reached at %.0f s, before the incident "
              "ended at %.0f s" % (m["rep"], late["id"][0] if len(late) else -1,
                                   late["t_arrive_s"][0] if len(late) else 0, m["t_end_s"]))
    check(seen >= 10, "only %d North calls while the cars were held: the test shows nothing"
          % seen)
    print("%d North calls while its cars were held: all reached after the incident ended" % seen)


def check_json(path, got):
    js = json.loads(run(["summary", path, "--json"]).stdout)
    ma = js.get("major_area")
    check(ma is not None, "summary --json: no major_area")
    reps = sorted(set(int(r) for r in got["rep"]))
    check(ma["replications"] == len(reps), "major_area.replications %r" % ma["replications"])
    check(len(ma["areas"]) == 1 + 2 + 2, "major_area: %d areas" % len(ma["areas"]))
    names = [a["name"] for a in ma["areas"]]
    check(names == ["district", "urban", "township", "North", "South"], "areas %r" % names)
    for a in ma["areas"]:
        kind = {"district": 0, "zone_kind": 1, "zone": 2}[a["area_kind"]]
        rows = got[(got["area_kind"] == kind) & (got["area"] == a["area"])]
        for key in ("response_during_s", "response_outside_s", "p1_within_during"):
            mean, hw, n = ci([float(v) for v in rows[key]])
            fig = a[key]
            check(fig["n"] == n and close(fig["mean"], mean) and
                  (n < 2 or close(fig["half_width"], hw, 1e-6)),
                  "%s %s: %r, expected mean %r ± %r (n=%d)" % (a["name"], key, fig, mean, hw, n))
        both = [(float(d), float(o)) for d, o in zip(rows["response_during_s"],
                                                     rows["response_outside_s"])
                if not (math.isnan(d) or math.isnan(o))]
        mean, hw, n = ci([d - o for d, o in both])
        diff = a["difference_s"]
        check(diff["n"] == n and close(diff["mean"], mean) and close(diff["half_width"], hw, 1e-6),
              "%s difference: %r, expected %r ± %r (n=%d)" % (a["name"], diff, mean, hw, n))
    north, south = ma["areas"][3]["difference_s"], ma["areas"][4]["difference_s"]
    check(north["ci95_low"] > 3600, "North's difference %r: its calls waited for the incident "
          "to end, hours" % north)
    check(abs(south["mean"]) < 60 and south["ci95_low"] < 60,
          "South's difference %r: its own cars answered, as outside" % south)
    print("summary --json: North during - outside %.0f ± %.0f s, South %.1f ± %.1f s (n=%d)" %
          (north["mean"], north["half_width"], south["mean"], south["half_width"], south["n"]))
    text = run(["summary", path]).stdout
    check("Ordinary calls during major incidents vs outside, by area" in text and
          re.search(r"zone North .*\d of %d" % len(reps), text) and "zone South" in text and
          "urban zones" in text, "summary: no table by area\n" + text)
    run(["summary", path, "--all"])


def check_tiers_chart(outdir):
    path = os.path.join(outdir, "default.h5")
    run(["run", DEFAULT, "-q", "-r", "2", "-j", "2", "--set", "run.horizon_days=11",
         "--replay", "none", "-o", path])
    with h5py.File(path, "r") as f:
        tiers = f["reserve_tiers"][:]
        need = int(f["major_reps"][f["major_reps"]["random"] != 2]["officers"][0])
    cum = [int(c) for c in tiers["cumulative_officers"]]
    check(cum == [30, 110, 230] and need == 230,
          "default scenario: tiers %r, incident needs %d" % (cum, need))
    check([t.decode() for t in tiers["call_up"]] == ["immediate", "immediate", "size_at_least"],
          "/reserve_tiers call_up %r" % tiers["call_up"])
    rep = os.path.join(outdir, "report")
    run(["report", "-q", path, "-o", rep])
    svg = open(os.path.join(rep, "major.svg"), encoding="utf-8").read()
    # The first panel's horizontal rules: stroked paths "M x y L x' y" of a rule series.
    lines = {}
    for m in re.finditer(r'<path class="series p0 s(\d+) rule" style="([^"]*)" d="M [\d.]+ '
                         r'([\d.]+) L [\d.]+ ([\d.]+) "', svg):
        if "fill:none" in m.group(2) and m.group(3) == m.group(4):
            lines[int(m.group(1))] = (float(m.group(3)), "dasharray:6,3" in m.group(2))
    tier_y = [y for s, (y, tier) in sorted(lines.items()) if tier]
    check(len(tier_y) == 3, "major.svg: %d tier lines in panel 1 (%r), expected 3" %
          (len(tier_y), lines))
    check(len(lines) == 3, "major.svg: a separate 'needed' line though tier 3 is the need: %r"
          % lines)
    # SVG y grows downwards: 30 lowest on the page; heights proportional to the strengths.
    y30, y110, y230 = tier_y
    check(y30 > y110 > y230, "major.svg: tier lines out of order %r" % tier_y)
    ratio = (y30 - y110) / (y110 - y230)
    check(abs(ratio - 80.0 / 120.0) < 1e-3, "major.svg: tier lines at %r are not at 30, 110, "
          "230 (spacing ratio %.4f, expected %.4f)" % (tier_y, ratio, 80.0 / 120.0))
    print("major.svg: tier lines at 30, 110, 230 officers (y %s)" %
          ", ".join("%.1f" % y for y in tier_y))


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    path = os.path.join(OUT, "area.h5")
    run(["run", SCEN, "-q", "-j", "2", "--replay", "none", "-o", path])
    got = check_table(path)
    check_held(path)
    check_json(path, got)

    # The same rows whatever the threads, and from two shards merged (the table is derived
    # when a replication is written, so it must not depend on who ran it).
    one = os.path.join(OUT, "one.h5")
    run(["run", SCEN, "-q", "-j", "1", "--replay", "none", "-o", one])
    shards = [os.path.join(OUT, "s%d.h5" % k) for k in range(2)]
    run(["run", SCEN, "-q", "-j", "2", "--replay", "none", "--rep-range", "0:4", "-o", shards[0]])
    run(["run", SCEN, "-q", "-j", "1", "--replay", "none", "--rep-range", "4:6", "-o", shards[1]])
    merged = os.path.join(OUT, "merged.h5")
    run(["merge", merged] + shards)
    with h5py.File(path, "r") as f:
        ref = f["major_area_reps"][:].tobytes()
        ref_tiers = f["reserve_tiers"][:].tobytes()
        ref_units = f["major_units"][:]
        check(len(ref_units) > 0, "/major_units is empty")
    for other in (one, merged):
        with h5py.File(other, "r") as f:
            check(f["major_area_reps"][:].tobytes() == ref and
                  f["reserve_tiers"][:].tobytes() == ref_tiers and
                  f["major_units"][:].tobytes() == ref_units.tobytes(),
                  "%s: /major_area_reps, /reserve_tiers or /major_units differ from the "
                  "2-thread run" % other)
    print("/major_area_reps: the same bytes with 1 thread and from 2 shards merged")

    # Without a major incident in the run: no rows, no table, an empty list in the JSON.
    none = os.path.join(OUT, "none.h5")
    run(["run", SCEN, "-q", "-r", "2", "-j", "2", "--replay", "none", "-o", none,
         "--set", "major_incidents.[0].day=5"])
    with h5py.File(none, "r") as f:
        check(len(f["major_area_reps"]) == 0, "rows without a major incident")
    check("by area" not in run(["summary", none]).stdout, "a table by area without incidents")
    js = json.loads(run(["summary", none, "--json"]).stdout)
    check(js["major_area"] == {"replications": 0, "areas": []}, "JSON %r" % js["major_area"])
    print("no major incident: no rows, no table")

    if WITH_REPORT:
        check_tiers_chart(OUT)
    print("OK")


main()
