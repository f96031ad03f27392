#!/usr/bin/env python3
"""walkthrough.py - the commands of issue 9 as a user runs them (label: integration).

    walkthrough.py CHECK PATROLSIM SOURCE_DIR WORK_DIR [MKHISTORY]

CHECK is one of:
  map_import     patrolsim map import of tests/data/osm/small.osm with zones and places:
                 the report, the files, what they hold; map speeds
  map_errors     bad OSM files and bad options: exit 2 and a message naming file, line, field
  fit_sample     the walk-through of scenarios/README.md: fit the sample history on the
                 Ziliujing map, put the fitted values into a copy of scenarios/ziliujing.cfg
                 and have patrolsim check accept it
  fit_errors     a history with bad rows: exit 2, every row reported as file:line: column: what
  sample_regen   scenarios/ziliujing/history-2016-sample.csv is what mkhistory makes, byte for byte
"""
import os
import re
import subprocess
import sys


def run(args, expect_rc, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode != expect_rc:
        sys.exit("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                 % (" ".join(args), p.returncode, expect_rc, p.stdout, p.stderr))
    return p


def expect_in(text, *needles):
    for n in needles:
        if n not in text:
            sys.exit("expected %r in:\n%s" % (n, text))


def check_map_import(psim, src, work):
    osm = os.path.join(src, "tests/data/osm/small.osm")
    zones = os.path.join(src, "tests/data/osm/small-zones.geojson")
    out = os.path.join(work, "small", "network.txt")  # the directory is made
    places = os.path.join(work, "small", "places.txt")
    p = run([psim, "map", "import", osm, "-o", out, "--places-out", places, "--zones", zones],
            0)
    expect_in(p.stdout,
              "imported 14 highway ways (4 one-way for vehicles)",
              "skipped 1 highway ways of other values: construction 1",
              "dropped 2 nodes in neither part",
              "into 1 vehicle shortcuts", "into 2 foot shortcuts",
              "zones from %s: 2 features, 2 names; 1 node in no polygon: zone 'outside'" % zones,
              "places: wrote 3 of 3",
              "net_load reads it, strongly connected for vehicles and on foot")
    text = open(out).read()
    nodes = re.findall(r"^node (\d+) \S+ \S+ (\S+)$", text, re.M)
    if len(nodes) != 8:
        sys.exit("expected 8 nodes with a zone, got %d:\n%s" % (len(nodes), text))
    zone = dict(nodes)
    want = {"1001": "West-Side", "1005": "West-Side", "1011": "West-Side", "1002": "East",
            "1004": "East", "1006": "East", "1007": "East", "1012": "outside"}
    if zone != want:
        sys.exit("zones: got %s, want %s" % (zone, want))
    expect_in(text, "origin 104.783604 29.352255", "edge 1001 1004 282.84 motorway",
              "edge 1006 1005 100.00 residential 0 1.3", "road 1001 1006 141.43 footway")
    pl = open(places).read()
    expect_in(pl, "Wuxingjie-Police-Station 1004", "Zigong-Railway-Station   1007",
              "Dongfang-Square          1005")
    p = run([psim, "map", "speeds"], 0)
    rows = [l for l in p.stdout.splitlines() if l and not l.startswith("#")]
    if len(rows) != 21 or not rows[0].startswith("motorway"):
        sys.exit("map speeds: expected 21 classes, got:\n" + p.stdout)
    # The printed table is a valid --speeds file.
    table = os.path.join(work, "speeds.txt")
    open(table, "w").write(p.stdout.replace("residential        6.9", "residential        5.0"))
    p = run([psim, "map", "import", osm, "-o", os.path.join(work, "s2.txt"), "--speeds", table,
             "--no-simplify", "-q"], 0)
    if p.stdout:
        sys.exit("-q printed:\n" + p.stdout)
    s2 = open(os.path.join(work, "s2.txt")).read()
    if not re.search(r"^class residential +5 +1.3 ", s2, re.M) or "node 1003 " not in s2:
        sys.exit("--speeds or --no-simplify had no effect:\n" + s2)  # S1 stays unmerged


def check_map_errors(psim, src, work):
    bad = os.path.join(work, "bad.osm")
    open(bad, "w").write("<?xml version='1.0'?>\n<osm version='0.6'>\n"
                         " <node id='1' lat='30' lon='104'>\n </way>\n</osm>\n")
    p = run([psim, "map", "import", bad, "-o", os.path.join(work, "x.txt")], 2)
    expect_in(p.stderr, bad + ":4: OSM: not a valid OSM XML file: mismatched tag")
    if os.path.exists(os.path.join(work, "x.txt")):
        sys.exit("a network was written from a bad file")
    osm = os.path.join(src, "tests/data/osm/small.osm")
    p = run([psim, "map", "import", osm, "-o", os.path.join(work, "x.txt"),
             "--speed", "primary=fast,1", "--speed", "footway", "--origin", "200,10"], 2)
    expect_in(p.stderr, "<command line>: speed.vehicle_mps: not a number: 'fast'",
              "<command line>: speed: expected <class>=<vehicle_mps>,<foot_mps> (got 'footway')",
              "<command line>: --origin: expected LON,LAT in degrees (got '200,10')")
    zones = os.path.join(work, "bad.geojson")
    open(zones, "w").write('{"type": "FeatureCollection", "features": [\n'
                           ' {"type": "Feature", "properties": {"name": 3},\n'
                           '  "geometry": {"type": "Point", "coordinates": [1, 2]}}]}\n')
    p = run([psim, "map", "import", osm, "-o", os.path.join(work, "x.txt"), "--zones", zones], 2)
    expect_in(p.stderr, zones + ":2: features.[0].properties.name: every zone feature needs",
              zones + ":3: features.[0].geometry.type: zones are Polygon or MultiPolygon "
              "(got 'Point')")
    p = run([psim, "map", "import", osm], 2)
    expect_in(p.stderr, "no output given (-o NETWORK.txt)")
    p = run([psim, "map", "import", "/nonexistent/m.osm", "-o", os.path.join(work, "x.txt")], 2)
    expect_in(p.stderr, "/nonexistent/m.osm: OSM: cannot open the file: No such file")
    p = run([psim, "map", "frobnicate"], 2)
    expect_in(p.stderr, "unknown subcommand 'frobnicate'")


def splice(cfg, frag):
    """Puts the fitted values of the fragment into the scenario text: per_day, hourly and
    weekly of calls; each incident type's priority, share and onscene; each zone's weight.
    Everything else (handling, officers, unit kinds, zone kinds) stays the scenario's."""
    for key in ("per_day", "hourly", "weekly"):
        m = re.search(r"^\s*%s = ([^;]*);" % key, frag, re.M | re.S)
        cfg, n = re.subn(r"(calls\s*:\s*\{.*?\b%s = )[^;]*;" % key,
                         lambda mm: mm.group(1) + m.group(1) + ";", cfg, count=1, flags=re.S)
        if n != 1:
            sys.exit("the scenario has no calls.%s" % key)
    types = re.findall(r'\{ name = "([^"]+)"; priority = (\d); share = ([^;]+);.*?'
                       r'(onscene = \{[^}]*\};)', frag, re.S)
    if not types:
        sys.exit("no incident types in the fragment:\n" + frag)
    for name, prio, share, onscene in types:
        pat = (r'(\{ name = "%s";\s*priority = )\d(; share = )[^;]+(;.*?)onscene = \{[^}]*\};'
               % re.escape(name))
        cfg, n = re.subn(pat, lambda mm: mm.group(1) + prio + mm.group(2) + share + mm.group(3)
                         + onscene, cfg, count=1, flags=re.S)
        if n != 1:
            sys.exit("incident type %s not found in the scenario" % name)
    for name, weight in re.findall(r'\{ name = "([^"]+)"; kind = "[^"]*"; weight = ([^;]+);',
                                   frag):
        cfg, n = re.subn(r'(\{ name = "%s";\s*kind = "[^"]*"; weight = )[^;]+;'
                         % re.escape(name), lambda mm: mm.group(1) + weight + ";", cfg, count=1)
        if n != 1:
            sys.exit("zone %s not found in the scenario" % name)
    return cfg


def check_fit_sample(psim, src, work):
    hist = os.path.join(src, "scenarios/ziliujing/history-2016-sample.csv")
    net = os.path.join(src, "scenarios/ziliujing/network.txt")
    frag = os.path.join(work, "fitted.cfg")
    p = run([psim, "fit", hist, "--network", net, "-o", frag], 0)
    expect_in(p.stdout, "types; ignored columns: id, station", "zone weights for 26 zones",
              "wrote " + frag)
    text = open(frag).read()
    expect_in(text, "# day 0 is a Tuesday (run.start_weekday = 1", 'name = "violence"; priority = 1',
              'dist = "gamma"', "Kolmogorov-Smirnov", 'name = "Wuxingjie-1"; kind = "urban"')
    m = re.search(r"per_day = ([0-9.]+);\s+# 95% CI ([0-9.]+)-([0-9.]+)", text)
    lo, hi = float(m.group(2)), float(m.group(3))
    # The generator's rate (scenarios/tools/mkhistory.c).
    if not lo <= 160.0 <= hi:
        sys.exit("per_day CI %g-%g does not hold the generator's 160" % (lo, hi))
    # Same history, same fragment (the bootstrap has a fixed seed).
    run([psim, "fit", hist, "--network", net, "-o", frag + ".2"], 0)
    if open(frag + ".2").read() != text:
        sys.exit("two fits of the same history differ")
    # Without -o the fragment goes to standard output; without a network, no zones.
    p = run([psim, "fit", hist], 0)
    if "zones = (" in p.stdout or "calls : {" not in p.stdout:
        sys.exit("fit without a network:\n" + p.stdout[:2000])
    # The walk-through: the fitted values in the scenario, which patrolsim check accepts.
    scen = open(os.path.join(src, "scenarios/ziliujing.cfg")).read()
    scen = scen.replace('"ziliujing/', '"%s/' % os.path.join(src, "scenarios", "ziliujing"))
    out = os.path.join(work, "ziliujing-fitted.cfg")
    open(out, "w").write(splice(scen, text))
    p = run([psim, "check", out], 0)
    print(p.stdout[-1500:])


def check_fit_errors(psim, src, work):
    net = os.path.join(src, "scenarios/ziliujing/network.txt")
    bad = os.path.join(work, "bad.csv")
    open(bad, "w").write("time,x_m,y_m,type,priority,onscene_min\n"
                         "2016-03-01T08:00,0,0,dispute,2,30\n"
                         "2016-03-01T08:00,0,0,dispute,6,30\n"
                         "2016-03-32T08:00,0,0,dispute,2,30\n"
                         "2016-03-01T08:00,90000,0,dispute,2,30\n"
                         "2016-03-01T08:00,0,0,,2,-1\n")
    p = run([psim, "fit", bad, "--network", net], 2)
    expect_in(p.stderr, bad + ":3: priority: must be an integer 1-5 (got '6')",
              bad + ":4: time: no such day in that month (got '2016-03-32T08:00')",
              bad + ":5: x_m, y_m: the nearest node",
              bad + ":6: type: missing", bad + ":6: onscene_min: must be minutes > 0")
    if p.stdout:
        sys.exit("a fragment was printed for a bad history:\n" + p.stdout)
    p = run([psim, "fit", bad, "--days", "zero"], 2)
    expect_in(p.stderr, "<command line>: --days: expected a number")
    p = run([psim, "fit"], 2)
    expect_in(p.stderr, "no call history given")


def check_sample_regen(psim, src, work, mkhistory):
    out = os.path.join(work, "history.csv")
    d = os.path.join(src, "scenarios/ziliujing")
    run([mkhistory, os.path.join(d, "network.txt"), os.path.join(d, "places.txt"), out], 0)
    if open(out, "rb").read() != open(os.path.join(d, "history-2016-sample.csv"), "rb").read():
        sys.exit("history-2016-sample.csv differs from what mkhistory makes: rerun it and commit")
    size = os.path.getsize(out)
    if size > 1 << 20:
        sys.exit("the sample history is %d bytes, more than 1 MB" % size)


def main():
    check, psim, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    if check == "map_import":
        check_map_import(psim, src, work)
    elif check == "map_errors":
        check_map_errors(psim, src, work)
    elif check == "fit_sample":
        check_fit_sample(psim, src, work)
    elif check == "fit_errors":
        check_fit_errors(psim, src, work)
    elif check == "sample_regen":
        check_sample_regen(psim, src, work, sys.argv[5])
    else:
        sys.exit("unknown check " + check)
    print("ok")


if __name__ == "__main__":
    main()
