#!/usr/bin/python3
"""report_checks.py - end-to-end checks of `patrolsim report`.

    report_checks.py PATROLSIM PNG_STATS SCENARIO OUTDIR

Runs SCENARIO briefly (4 replications of 11 days, long enough for the default scenario's
major-incident exercise on day 10) as it is (a), and as a sweep of the day cars
at Wuxingjie (`patrolsim sweep --vary units.wuxingjie-day.count=2,6`: c and b). Then reports on
a alone, on a and b (two deployments facing the same calls), and on the sweep's folder, and
checks that each chart is there, decodes, and shows the data:
  - each SVG holds the expected number of series (the chart module classes every element:
    class="series p<panel> s<series> <kind>"), the map one cell per grid cell with calls;
  - each PNG decodes (cairo, through png_stats) to the size of its SVG with enough ink;
  - the figures behind the charts (CSV) equal those computed here from /incidents and
    /unit_reps with numpy;
  - index.html links every image, needs no network, and shows the summary figures that
    `patrolsim summary --json` gives;
  - the same input gives byte-identical output; bad input gets status 2 with the file named.
Prints what it checked; exits 1 on the first failure.
"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

PATROLSIM, PNG_STATS, SCENARIO, OUT = sys.argv[1:5]
CELL_M = 500.0
DAYS = "11"


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


def simulate(name, sets):
    path = os.path.join(OUT, name + ".h5")
    args = ["run", SCENARIO, "-q", "-r", "4", "-j", "2", "--set", "run.horizon_days=" + DAYS,
            "--replay", "none", "-o", path]
    for s in sets:
        args += ["--set", s]
    run(args)
    return path


def classes(svg_path):
    """Counts of each series class in an SVG: {(panel, series, kind): elements}."""
    text = open(svg_path, encoding="utf-8").read()
    out = {}
    for m in re.finditer(r'class="series p(\d+) s(\d+) (\w+)"', text):
        key = (int(m.group(1)), int(m.group(2)), m.group(3))
        out[key] = out.get(key, 0) + 1
    return out


def series(cls, panel=None, kind=None):
    return sorted(k for k in cls if (panel is None or k[0] == panel) and
                  (kind is None or k[2] == kind))


def check_png(png, svg):
    p = subprocess.run([PNG_STATS, png], capture_output=True, text=True)
    check(p.returncode == 0, "%s does not decode: %s" % (png, p.stderr))
    w, h, ink, colours = p.stdout.split()
    m = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', open(svg).read())
    check(m is not None, "%s: no size" % svg)
    check(int(w) == math.ceil(float(m.group(1))) and int(h) == math.ceil(float(m.group(2))),
          "%s is %sx%s, its SVG %sx%s" % (png, w, h, m.group(1), m.group(2)))
    check(float(ink) > 0.03, "%s is nearly blank (%.1f%% ink)" % (png, 100 * float(ink)))
    check(int(colours) >= 50, "%s has only %s colours" % (png, colours))
    return float(ink)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    return float(s) if s != "" else float("nan")


def close(a, b, rel=1e-9):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


class Results:
    """What the checks need from a results file, computed with numpy."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.summary = f["summary"][:]
            reps = set(int(r) for r in self.summary["rep"])
            inc = f["incidents"][:]
            keep = np.array([int(r) in reps for r in inc["rep"]]) & (inc["counted"] == 1)
            self.calls = inc[keep]
            self.nodes = f["network/nodes"][:]
            self.edges = f["network/edges"][:]
            self.units = f["units"][:]
            ur = f["unit_reps"][:]
            self.unit_reps = ur[np.array([int(r) in reps for r in ur["rep"]])]
            self.warmup = float(f.attrs["warmup_s"])
            self.horizon = float(f.attrs["horizon_s"])
            self.n_priorities = int(f.attrs["n_priorities"])
            self.n_posts = len(f["posts"]) if "posts" in f else 0
            self.n_major = len(f["major_reps"]) if "major_reps" in f else 0
        self.reps = sorted(reps)

    def answered(self):
        return self.calls[self.calls["status"] == 0]

    def grid(self):
        x, y = self.nodes["x_m"], self.nodes["y_m"]
        x0 = math.floor(x.min() / CELL_M) * CELL_M
        y0 = math.floor(y.min() / CELL_M) * CELL_M
        nx = int(math.floor((x.max() - x0) / CELL_M)) + 1
        a = self.answered()
        cx = np.minimum(((x[a["node"]] - x0) / CELL_M).astype(int), nx - 1)
        ny = int(math.floor((y.max() - y0) / CELL_M)) + 1
        cy = np.minimum(((y[a["node"]] - y0) / CELL_M).astype(int), ny - 1)
        cells = {}
        for i, j, r in zip(cx, cy, a["response_s"]):
            cells.setdefault((int(i), int(j)), []).append(float(r))
        return {k: (len(v), sum(v) / len(v)) for k, v in cells.items()}

    def hourly(self):
        """Per hour: lists over replications of mean, p90 (NaN where none) and calls/hour."""
        out = {h: ([], [], []) for h in range(24)}
        hours = {}
        for h in range(24):
            total, day = 0.0, math.floor(self.warmup / 86400)
            while day * 86400 < self.horizon:
                lo = day * 86400 + h * 3600
                total += max(0.0, min(lo + 3600, self.horizon) - max(lo, self.warmup))
                day += 1
            hours[h] = total / 3600
        hour_of = (np.mod(self.calls["t_call_s"], 86400) // 3600).astype(int)
        for r in self.reps:
            mine = self.calls["rep"] == r
            for h in range(24):
                sel = mine & (hour_of == h)
                resp = self.calls["response_s"][sel & (self.calls["status"] == 0)]
                out[h][0].append(resp.mean() if len(resp) else float("nan"))
                out[h][1].append(np.percentile(resp, 90) if len(resp) else float("nan"))
                out[h][2].append(sel.sum() / hours[h])
        return out

    def state_shares(self):
        """Per (unit kind, state label): the mean over replications of the time in that state
        over the time on duty, for the per-state columns of /unit_reps (off_s is off duty)."""
        names = [n for n in self.unit_reps.dtype.names if n.endswith("_s") and
                 n not in ("on_duty_s", "busy_s", "overtime_s", "off_s")]
        label = {"onscene_s": "on scene", "enroute_s": "en route"}
        kinds = [k.decode() for k in self.units["kind"]]
        out = {}
        for kind in sorted(set(kinds)):
            idx = [i for i, k in enumerate(kinds) if k == kind]
            for n in names:
                shares = []
                for r in self.reps:
                    rows = self.unit_reps[(self.unit_reps["rep"] == r) &
                                          np.isin(self.unit_reps["unit"], idx)]
                    shares.append(rows[n].sum() / rows["on_duty_s"].sum())
                out[(kind, label.get(n, n[:-2].replace("_", " ")))] = float(np.mean(shares))
        return out

    def busy_share(self):
        """Per unit kind: the mean over replications of busy / on-duty time."""
        kinds = [k.decode() for k in self.units["kind"]]
        out = {}
        for kind in sorted(set(kinds)):
            idx = [i for i, k in enumerate(kinds) if k == kind]
            shares = []
            for r in self.reps:
                rows = self.unit_reps[(self.unit_reps["rep"] == r) &
                                      np.isin(self.unit_reps["unit"], idx)]
                duty = rows["on_duty_s"].sum()
                shares.append(np.minimum(rows["busy_s"], rows["on_duty_s"]).sum() / duty)
            out[kind] = float(np.mean(shares))
        return out


def nanmean(v):
    v = [x for x in v if not math.isnan(x)]
    return sum(v) / len(v) if v else float("nan")


def check_report(dirname, files, results, sweep=False):
    """Every check on the report in dirname of the given files."""
    n = len(files)
    listing = sorted(os.listdir(dirname))
    stems = ["cdf", "hourly", "util"] + ["map-%d" % (k + 1) for k in range(n)]
    if any(r.n_major for r in results):
        stems.append("major")
    if n > 1:
        stems.append("compare")
    else:
        check("compare.png" not in listing, "one file, yet a comparison chart")
    for s in stems:
        for ext in ("png", "svg"):
            check("%s.%s" % (s, ext) in listing, "%s: no %s.%s" % (dirname, s, ext))
        check_png(os.path.join(dirname, s + ".png"), os.path.join(dirname, s + ".svg"))
    P = results[0].n_priorities

    # 1. One distribution line per file in each panel (all priorities, then each priority).
    cdf = classes(os.path.join(dirname, "cdf.svg"))
    for p in range(P + 1):
        got = len(series(cdf, p, "step"))
        check(got == n, "cdf panel %d: %d lines for %d files" % (p, got, n))
    # Targets are marked where they fall on the axis: at least the urban priority-1 one.
    check(len(series(cdf, 1, "rule")) >= 1, "cdf: no target marked for priority 1")

    # 2. By hour: mean and p90 one line and one band per file; calls one per file unless
    # every file has the same calls (common random numbers), then one.
    hourly = classes(os.path.join(dirname, "hourly.svg"))
    same_calls = all(np.array_equal(r.calls["t_call_s"], results[0].calls["t_call_s"])
                     for r in results)
    for p, want in ((0, n), (1, n), (2, 1 if same_calls else n)):
        check(len(series(hourly, p, "line")) == want and len(series(hourly, p, "band")) == want,
              "hourly panel %d: %d lines, %d bands, expected %d" %
              (p, len(series(hourly, p, "line")), len(series(hourly, p, "band")), want))
    rows = read_csv(os.path.join(dirname, "hourly.csv"))
    check(len(rows) == 24 * n, "hourly.csv: %d rows" % len(rows))
    for k, res in enumerate(results):
        mine = res.hourly()
        for row in rows:
            if int(row["file"]) != k + 1:
                continue
            h = int(row["hour"])
            for col, idx in (("mean_response_s", 0), ("p90_response_s", 1), ("calls_per_hour", 2)):
                want = nanmean(mine[h][idx])
                check(close(num(row[col]), want),
                      "hourly.csv file %d hour %d %s: %s, numpy %r" % (k + 1, h, col, row[col], want))
                lo, hi, m = num(row[col + "_lo"]), num(row[col + "_hi"]), num(row[col])
                if not math.isnan(lo):
                    check(close(m - lo, hi - m, 1e-6), "hourly.csv: interval not centred")
            nn = sum(1 for v in mine[h][0] if not math.isnan(v))
            check(int(row["mean_response_n"]) == nn, "hourly.csv hour %d: n %s, numpy %d" %
                  (h, row["mean_response_n"], nn))

    # 3. The map: one cell element per grid cell with calls, with the right count and mean.
    for k, res in enumerate(results):
        grid = res.grid()
        svg = classes(os.path.join(dirname, "map-%d.svg" % (k + 1)))
        check(svg.get((0, 0, "cells"), 0) == len(grid),
              "map-%d: %d cells drawn, %d with calls" % (k + 1, svg.get((0, 0, "cells"), 0), len(grid)))
        classes_present = len(set(int(c) for c in res.edges["class"]))
        check(len(series(svg, 0, "segments")) == classes_present,
              "map-%d: %d road layers for %d classes" % (k + 1, len(series(svg, 0, "segments")),
                                                         classes_present))
        want = 1 + (1 if res.n_posts else 0)  # stations, and posts when the file has them
        check(len(series(svg, 0, "markers")) == want,
              "map-%d: %d marker layers, expected %d" % (k + 1, len(series(svg, 0, "markers")), want))
        cells = read_csv(os.path.join(dirname, "map-%d.csv" % (k + 1)))
        check(len(cells) == len(grid), "map-%d.csv: %d cells, numpy %d" % (k + 1, len(cells), len(grid)))
        for c in cells:
            calls, mean = grid[(int(c["i"]), int(c["j"]))]
            check(int(c["calls"]) == calls and close(num(c["mean_response_s"]), mean),
                  "map-%d.csv cell %s,%s: %s calls mean %s, numpy %d %r" %
                  (k + 1, c["i"], c["j"], c["calls"], c["mean_response_s"], calls, mean))

    # 4. Units: one bar series per state; busy shares as numpy has them.
    util = read_csv(os.path.join(dirname, "util.csv"))
    states = sorted(set(r["state"] for r in util))
    bars = series(classes(os.path.join(dirname, "util.svg")), 0, "bar")
    check(len(bars) == len(states), "util: %d bar series for %d states" % (len(bars), len(states)))
    for k, res in enumerate(results):
        mine = [r for r in util if int(r["file"]) == k + 1]
        kinds = set(r["kind"] for r in mine)
        for kind in kinds:
            total = sum(num(r["share"]) for r in mine if r["kind"] == kind)
            check(abs(total - 1) < 0.006, "util.csv %s: states add up to %r" % (kind, total))
        if "on calls" not in states:
            # Per-state columns: every one shown, with the share numpy finds.
            mine_states = res.state_shares()
            for (kind, state), share in mine_states.items():
                got = [num(r["share"]) for r in mine if r["kind"] == kind and r["state"] == state]
                check(got and close(got[0], share), "util.csv %s %s: %r, numpy %r" %
                      (kind, state, got, share))
        if "on calls" in states:
            for kind, share in res.busy_share().items():
                got = [num(r["share"]) for r in mine if r["kind"] == kind and r["state"] == "on calls"]
                check(got and close(got[0], share), "util.csv %s on calls: %r, numpy %r" %
                      (kind, got, share))

    # 6. Comparison: a point per file, or a line through the points of a sweep; the files
    # share the seed, so two more panels show the paired differences from the first.
    if n > 1:
        cmp_ = classes(os.path.join(dirname, "compare.svg"))
        check(sorted(set(k[0] for k in cmp_)) == [0, 1, 2, 3],
              "compare: panels %r, expected 4 (figures and paired differences)" %
              sorted(set(k[0] for k in cmp_)))
        for p in (0, 1, 2, 3):
            if sweep:
                check(len(series(cmp_, p, "line")) == 1 and len(series(cmp_, p, "errbar")) == 1,
                      "compare panel %d: not drawn as a sweep: %r" % (p, series(cmp_, p)))
            else:
                check(len(series(cmp_, p, "errbar")) == n,
                      "compare panel %d: %d files shown of %d" % (p, len(series(cmp_, p, "errbar")), n))
            if p >= 2:
                check(len(series(cmp_, p, "rule")) == 1, "compare panel %d: no zero line" % p)

    # The page: every image linked and present, nothing from the network, the summary.
    page = open(os.path.join(dirname, "index.html"), encoding="utf-8").read()
    imgs = re.findall(r'<img src="([^"]+)"', page)
    check(sorted(imgs) == sorted(s + ".png" for s in stems),
          "index.html shows %r, expected %r" % (sorted(imgs), sorted(s + ".png" for s in stems)))
    for link in re.findall(r'(?:href|src)="([^"]+)"', page):
        check("://" not in link and not link.startswith("/"), "index.html links %s" % link)
        check(os.path.exists(os.path.join(dirname, link)), "index.html links missing %s" % link)
    check("<script" not in page and "<link" not in page and "@import" not in page,
          "index.html loads something")
    check('<table id="summary">' in page, "index.html: no summary table")
    for k, path in enumerate(files):
        js = json.loads(run(["summary", path, "--json"]).stdout)
        fig = js["figures"]["response_mean_s"]
        cell = "%.2f ± %.2f" % (fig["mean"] / 60, fig["half_width"] / 60)
        row = re.search(r"<tr><td>response time, mean \(min\)</td>(.*?)</tr>", page)
        check(row and cell in re.findall(r"<td>([^<]*)</td>", row.group(1))[k],
              "index.html summary: '%s' not shown for file %d" % (cell, k + 1))
    check("No major incidents in these files" in page or '<img src="major.png"' in page,
          "index.html: no word on major incidents")


def add_majors(src, dst):
    """A copy of src with made-up major incidents (the layout of /major_reps and /major_curve):
    incident 0 in every replication, incident 1 in the first two. Returns per incident the
    tier and full-strength times by replication."""
    shutil.copy(src, dst)
    rng = np.random.default_rng(2385)
    times = {}
    with h5py.File(dst, "a") as f:
        for k in ("major_reps", "major_curve"):
            if k in f:
                del f[k]
        reps = sorted(int(r) for r in f["summary"]["rep"])
        mr, mc = [], []
        for i, r in enumerate(reps):
            for inc in ((0, 1) if i < 2 else (0,)):
                t = np.cumsum(rng.uniform(60, 600, size=8))
                off = np.cumsum(rng.integers(5, 30, size=8))
                need = 90 if inc == 0 else 40
                when = lambda th: float(t[np.argmax(off >= th)]) if (off >= th).any() else float("nan")
                row = (r, inc, need, when(20), when(60), when(10 ** 6), float("nan"), when(need))
                mr.append(row)
                times.setdefault(inc, []).append(row[3:])
                mc.append((r, inc, 0.0, 0))
                mc.extend((r, inc, float(a), int(b)) for a, b in zip(t, off))
        f.create_dataset("major_reps", data=np.array(mr, dtype=[
            ("rep", "<u4"), ("incident", "<i4"), ("officers", "<i4"), ("t_tier1_s", "<f8"),
            ("t_tier2_s", "<f8"), ("t_tier3_s", "<f8"), ("t_tier4_s", "<f8"), ("t_full_s", "<f8")]))
        f.create_dataset("major_curve", data=np.array(mc, dtype=[
            ("rep", "<u4"), ("incident", "<i4"), ("t_s", "<f8"), ("officers", "<i4")]))
    return times


def check_major(dirname, times):
    listing = os.listdir(dirname)
    check("major.png" in listing and "major.svg" in listing, "no major incident chart")
    check_png(os.path.join(dirname, "major.png"), os.path.join(dirname, "major.svg"))
    svg = classes(os.path.join(dirname, "major.svg"))
    for p in (0, 1):  # one panel per incident: the mean curve, its band, the officers needed
        check(len(series(svg, p, "line")) == 1 and len(series(svg, p, "band")) == 1,
              "major panel %d: %r" % (p, series(svg, p)))
        check(len(series(svg, p, "rule")) >= 2, "major panel %d: tiers or need not marked" % p)
    check(not series(svg, 2), "major: a panel for an incident that is not there")
    rows = read_csv(os.path.join(dirname, "major.csv"))
    names = ["t_tier1_s", "t_tier2_s", "t_tier3_s", "t_tier4_s", "t_full_s"]
    for row in rows:
        got = times[int(row["incident"]) - 1]
        vals = [v[names.index(row["figure"])] for v in got]
        finite = [v for v in vals if not math.isnan(v)]
        check(int(row["n"]) == len(finite), "major.csv %s: n %s, expected %d" %
              (row["figure"], row["n"], len(finite)))
        check(close(num(row["mean"]), sum(finite) / len(finite) if finite else float("nan")),
              "major.csv incident %s %s: %s" % (row["incident"], row["figure"], row["mean"]))
    check(len(rows) == 10, "major.csv: %d rows for 2 incidents" % len(rows))
    page = open(os.path.join(dirname, "index.html"), encoding="utf-8").read()
    check('<img src="major.png"' in page, "index.html does not show the major incident chart")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    a = simulate("a", [])
    sweep_dir = os.path.join(OUT, "sw")
    run(["sweep", SCENARIO, "--vary", "units.wuxingjie-day.count=2,6", "-r", "4", "-j", "2",
         "--set", "run.horizon_days=" + DAYS, "-o", sweep_dir])
    with open(os.path.join(sweep_dir, "index.csv"), newline="") as f:
        variants = [os.path.join(sweep_dir, r["file"]) for r in csv.DictReader(f)]
    check(len(variants) == 2, "the sweep made %d files" % len(variants))
    c, b = variants
    ra, rb, rc = Results(a), Results(b), Results(c)

    one = os.path.join(OUT, "one")
    out = run(["report", a, "-o", one]).stdout
    check(os.path.join(one, "index.html") in out, "report does not say where the page is")
    check_report(one, [a], [ra])
    print("one file: charts, figures and page check out")

    two = os.path.join(OUT, "two")
    run(["report", "-q", a, b, "-o", two])
    check_report(two, [a, b], [ra, rb])
    print("two deployments: charts, figures and page check out")

    # A sweep's folder stands for its files (index.csv order); the report goes inside it.
    run(["report", "-q", sweep_dir])
    check_report(os.path.join(sweep_dir, "report"), [c, b], [rc, rb], sweep=True)
    print("a sweep's folder: drawn against the varied setting")

    # Major incidents: charted when the file has them (made up here, so that the check does
    # not depend on the scenario having an exercise within its first days).
    mh5 = os.path.join(OUT, "major.h5")
    times = add_majors(a, mh5)
    run(["report", "-q", mh5, "-o", os.path.join(OUT, "major")])
    check_major(os.path.join(OUT, "major"), times)
    print("major incidents: build-up curves, tier times against numpy")

    # The same input gives the same bytes (no dates, no addresses, no hash order).
    again = os.path.join(OUT, "again")
    run(["report", "-q", a, b, "-o", again])
    for name in sorted(os.listdir(two)):
        check(open(os.path.join(two, name), "rb").read() == open(os.path.join(again, name), "rb").read(),
              "%s differs between two reports of the same files" % name)
    print("deterministic: %d files identical" % len(os.listdir(two)))

    # The default folder: next to the first file.
    run(["report", "-q", a])
    check(os.path.exists(os.path.join(OUT, "a-report", "index.html")), "no default folder")

    # Bad input: status 2 and the file named; an unwritable folder: status 1.
    missing = os.path.join(OUT, "missing.h5")
    p = run(["report", a, missing, "-o", os.path.join(OUT, "bad")], expect=2)
    check(missing in p.stderr, "missing file not named: %s" % p.stderr)
    p = run(["report", SCENARIO, "-o", os.path.join(OUT, "bad")], expect=2)
    check(SCENARIO in p.stderr, "a file that is not HDF5 not named: %s" % p.stderr)
    run(["report"], expect=2)
    run(["report", a, "--cell", "0"], expect=2)
    run(["report", a, "--bogus"], expect=2)
    p = run(["report", a, "-o", os.path.join(a, "sub")], expect=1)
    check(a in p.stderr, "unwritable folder not named: %s" % p.stderr)
    print("bad input and unwritable output refused with the file named")
    print("all report checks passed")


main()
