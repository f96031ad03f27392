#!/usr/bin/env python3
"""positions.py - scenario positions and GeoJSON zones as a user runs them (label: integration).

    positions.py CHECK PATROLSIM SOURCE_DIR WORK_DIR

CHECK is one of:
  osm_map        the walk-through of README.md on the committed OpenStreetMap fixture: import
                 tests/data/osm/small.osm, then tests/data/osm/small-scenario.cfg, which places
                 its posts and a hotspot by lon/lat (as read off a web map), its station by
                 place name, and takes its zones from tests/data/osm/small-zones.geojson; check, run, and read back from
                 the results file which node each post, station and zone got. A position
                 shifted as GCJ-02 coordinates are is refused, naming distance and node.
  default_same   scenarios/ziliujing.cfg with every place name replaced by the place's x/y
                 (snapped) or its node id gives the very same /summary and /incidents as the
                 file itself (same seed, 2 replications)
"""
import os
import re
import shutil
import subprocess
import sys

import h5py


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


def osm_lonlat(osm, node_id):
    m = re.search(r'<node id="%d" lat="([0-9.]+)" lon="([0-9.]+)"' % node_id, osm)
    return float(m.group(2)), float(m.group(1))




def check_osm_map(psim, src, work):
    osm_path = os.path.join(src, "tests/data/osm/small.osm")
    zones = os.path.join(src, "tests/data/osm/small-zones.geojson")
    osm = open(osm_path).read()
    d = os.path.join(work, "city")
    # 1. The map, as the README's walk-through imports it (zones come from the scenario here).
    run([psim, "map", "import", osm_path, "-o", os.path.join(d, "network.txt"),
         "--places-out", os.path.join(d, "places.txt"), "-q"], 0)
    # 2. The scenario, with positions as read off a web map (tests/data/osm/small-scenario.cfg
    #    says where each is), beside the map and the zone polygons.
    cfg = os.path.join(d, "small-scenario.cfg")
    shutil.copy(os.path.join(src, "tests/data/osm/small-scenario.cfg"), cfg)
    shutil.copy(zones, d)
    p2 = osm_lonlat(osm, 1011)
    if "lonlat = [ %.7f, %.7f ]" % p2 not in open(cfg).read():
        sys.exit("small-scenario.cfg no longer puts the north gate at OSM node 1011")
    p = run([psim, "check", cfg], 0)
    expect_in(p.stdout, "3 zones", "4 positions snapped to the nearest node (farthest 20 m):")
    for path, node, dist in (("hotspots.[0].lonlat", 1005, 20), ("posts.[0].lonlat", 1007, 14),
                             ("posts.[1].lonlat", 1011, 0), ("posts.[2].xy_m", 1006, 14)):
        if not re.search(r"^ +%s +node %d +%d m$" % (re.escape(path), node, dist), p.stdout,
                         re.M):
            sys.exit("patrolsim check does not show %s at node %d, %d m:\n%s"
                     % (path, node, dist, p.stdout))
    out = os.path.join(work, "city.h5")
    run([psim, "run", cfg, "-o", out, "-j", "2", "--replay", "none"], 0)
    with h5py.File(out, "r") as f:
        posts = {n.decode() if isinstance(n, bytes) else n: int(i)
                 for n, i in zip(f["/posts"]["name"], f["/posts"]["node_id"])}
        want = {"Railway kiosk": 1007, "North gate": 1011, "Corner": 1006}
        if posts != want:
            sys.exit("posts: got %s, want %s" % (posts, want))
        st = [int(i) for i in f["/stations"]["node_id"]]
        if st != [1004]:
            sys.exit("stations: got %s, want [1004]" % st)
        nodes = f["/network/nodes"]
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in nodes.attrs["zone_names"]]
        zone = {int(i): names[z] for i, z in zip(nodes["id"], nodes["zone"])}
        want = {1001: "West Side", 1005: "West Side", 1011: "West Side", 1002: "East",
                1004: "East", 1006: "East", 1007: "East", 1012: "Outside"}
        if zone != want:
            sys.exit("zones of the nodes: got %s, want %s" % (zone, want))
        inc = f["/incidents"]
        if len(inc) == 0:
            sys.exit("no calls were simulated")
        # Every call is in a zone of the polygons (there is no node without one).
        if (inc["zone"][:] < 0).any():
            sys.exit("a call without a zone")
    # 3. A coordinate from a Chinese web map (GCJ-02) is off by a few hundred metres.
    bad = open(cfg).read().replace("%.7f, %.7f ]; }," % p2,
                                   "%.7f, %.7f ]; }," % (p2[0] + 0.0050, p2[1] + 0.0030))
    if bad == open(cfg).read():
        sys.exit("test bug: the north gate's lon/lat was not found to shift")
    badcfg = os.path.join(d, "gcj.cfg")
    open(badcfg, "w").write(bad)
    p = run([psim, "check", badcfg], 2)
    if not re.search(r"gcj\.cfg:\d+: posts\.\[1\]\.lonlat: the nearest node \(\d+, at x [-0-9.]+, "
                     r"y [-0-9.]+ m\) is \d+ m away, more than network\.max_snap_m \(250 m\): "
                     r"a position off the map \(lon/lat are WGS84", p.stderr):
        sys.exit("no far-snap message for the shifted post:\n" + p.stderr)
    # ... unless the scenario allows it: --set network.max_snap_m widens the snap.
    run([psim, "check", badcfg, "--set", "network.max_snap_m=1000"], 0)


def check_default_same(psim, src, work):
    scen_dir = os.path.join(src, "scenarios")
    places = {}
    for line in open(os.path.join(scen_dir, "ziliujing/places.txt")):
        f = line.split("#")[0].split()
        if len(f) == 4:
            places[f[0]] = (int(f[1]), float(f[2]), float(f[3]))
    text = open(os.path.join(scen_dir, "ziliujing.cfg")).read()
    count = [0]

    def repl(m):
        nid, x, y = places[m.group(1)]
        count[0] += 1
        # Alternately by position (the place's x/y, snapped) and by node id.
        if count[0] % 2:
            return "xy_m = [ %.1f, %.1f ]" % (x, y)
        return "node = %d" % nid
    alt = re.sub(r'node = "([^"]+)"', repl, text)
    if count[0] < 20:
        sys.exit("expected the default scenario to name 20 or more places, found %d" % count[0])
    alt = alt.replace('"ziliujing/', '"%s/' % os.path.join(scen_dir, "ziliujing"))
    altcfg = os.path.join(work, "ziliujing-positions.cfg")
    open(altcfg, "w").write(alt)
    outs = []
    for name, cfg in (("names", os.path.join(scen_dir, "ziliujing.cfg")), ("positions", altcfg)):
        out = os.path.join(work, name + ".h5")
        run([psim, "run", cfg, "-r", "2", "-s", "7", "-j", "2", "--replay", "none", "-o", out], 0)
        outs.append(out)
    with h5py.File(outs[0], "r") as a, h5py.File(outs[1], "r") as b:
        for ds in ("/summary", "/incidents", "/stations", "/posts"):
            # Byte for byte (NaN, a figure not defined, compares unequal as a number).
            if a[ds].dtype != b[ds].dtype or a[ds][:].tobytes() != b[ds][:].tobytes():
                sys.exit("%s differs between place names and positions" % ds)
        print("identical /summary (%d rows), /incidents (%d calls), /stations, /posts; "
              "%d node references rewritten" % (len(a["/summary"]), len(a["/incidents"]),
                                                count[0]))


def main():
    check, psim, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    {"osm_map": check_osm_map, "default_same": check_default_same}[check](psim, src, work)


if __name__ == "__main__":
    main()
