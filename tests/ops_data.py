#!/usr/bin/env python3
"""ops_data.py DIR - checks the operations data beside the Ziliujing map.

DIR holds network.txt and places.txt (the map) and the three files that
scenarios/tools/mkdistrict.c makes for the operations model: cells.txt,
cameras.txt and routes.txt (formats in scenarios/README.md, "Operations data:
cells, cameras, routes"). The counts are the source article's
(../shared/seed/DIGEST.md, sections 1-3):

  cells    171 grid cells = 129 urban (23 communities) + 42 village (14 per
           township); every node in exactly one cell, a cell inside one zone;
           a cell is connected by roads inside itself, except for border nodes
           its zone's own roads do not reach either.
  cameras  596 channels, 138 of them since 2015; 240 bullet, 108 dome,
           20 lookout, 2 panoramic, 32 traffic, 78 vehicle_checkpoint, the
           rest (116) hd; one radius per kind.
  routes   11 street lines, V1..V3 by vehicle, F1..F8 on foot, and the two
           plain-clothes rounds PC1, PC2 on foot; the cycle patrolsim builds
           (fastest path by the mode between waypoints) is 8-15 km for vehicle
           lines, 2-4 km for foot lines, 2-5 km for the plain-clothes rounds;
           waypoints at most 1 km apart by road; vehicle lines cross the river;
           the foot lines pass the four landmarks. 56 community lines with 690
           check-in points, 10-15 a line, 2-3 lines in each of the 23
           communities, every point in its line's community.

Prints what it measured; exits 1 listing every failed check.
"""
import collections
import heapq
import math
import re
import sys

COMMUNITIES = (["Wuxingjie-%d" % i for i in range(1, 8)] +
               ["%s-%d" % (s, i) for s in ("Xinjie", "Dongxingsi", "Guojiaao", "Tanmulin")
                for i in range(1, 5)])
TOWNSHIPS = ["Zhongquan", "Rongbian", "Qishu"]
CAMERA_KINDS = {"bullet": 240, "dome": 108, "lookout": 20, "panoramic": 2, "traffic": 32,
                "vehicle_checkpoint": 78, "hd": 116}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def records(path, header):
    """(line number, fields) of each record after '#' comments are stripped;
    checks that the first record is the header."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if fields:
                out.append((n, fields))
    check(out and out[0][1] == header.split(),
          "%s: the first record must be '%s'" % (path, header))
    return out[1:]


class Network:
    def __init__(self, path):
        self.xy, self.zone, self.adj, self.bridges = {}, {}, collections.defaultdict(list), set()
        speed = {}
        section = ""
        with open(path) as f:
            for line in f:
                if line.startswith("# "):
                    section = line
                fields = line.split("#", 1)[0].split()
                if not fields:
                    continue
                if fields[0] == "class":
                    speed[fields[1]] = (float(fields[2]), float(fields[3]))
                elif fields[0] == "node":
                    self.xy[fields[1]] = (float(fields[2]), float(fields[3]))
                    self.zone[fields[1]] = fields[4]
                elif fields[0] == "road":
                    a, b, length, cls = fields[1], fields[2], float(fields[3]), fields[4]
                    for u, w in ((a, b), (b, a)):
                        self.adj[u].append((w, length, speed[cls]))
                    if "bridges" in section:
                        self.bridges.add(frozenset((a, b)))

    def path(self, a, b, mode):
        """The fastest path from a to b by mode (0 vehicle, 1 foot), as patrolsim's
        travel model finds it: (length_m, nodes)."""
        dist, pred, heap = {a: 0.0}, {}, [(0.0, a)]
        while heap:
            d, v = heapq.heappop(heap)
            if v == b:
                break
            if d > dist[v]:
                continue
            for w, length, spd in self.adj[v]:
                nd = d + length / spd[mode]
                if nd < dist.get(w, math.inf):
                    dist[w], pred[w] = nd, (v, length)
                    heapq.heappush(heap, (nd, w))
        nodes, length = [b], 0.0
        while nodes[-1] != a:
            v, ln = pred[nodes[-1]]
            nodes.append(v)
            length += ln
        return length, nodes[::-1]

    def pieces(self, nodes, key):
        """Connected pieces of `nodes` by roads between nodes of equal key[]."""
        seen, out = set(), []
        for v in nodes:
            if v in seen:
                continue
            piece, stack = [v], [v]
            seen.add(v)
            while stack:
                u = stack.pop()
                for w, _, _ in self.adj[u]:
                    if w not in seen and key[w] == key[v]:
                        seen.add(w)
                        stack.append(w)
                        piece.append(w)
            out.append(piece)
        return out


def check_cells(d, net):
    path = d + "/cells.txt"
    cell = {}
    for n, f in records(path, "patrolsim-cells 1"):
        where = "%s:%d" % (path, n)
        if not check(len(f) == 2, where + ": expected <node_id> <cell>"):
            continue
        check(f[0] in net.xy, where + ": node %s is not in the network" % f[0])
        check(f[0] not in cell, where + ": node %s is already in a cell" % f[0])
        cell[f[0]] = f[1]
    missing = [v for v in net.xy if v not in cell]
    check(not missing, "cells: %d nodes in no cell (first %s)" % (len(missing), missing[:5]))
    members = collections.defaultdict(list)
    for v, c in cell.items():
        members[c].append(v)
    urban = [c for c in members if re.fullmatch(r"(.+)/c(\d+)", c)]
    village = [c for c in members if re.fullmatch(r"(.+)/v(\d\d)", c)]
    check(len(members) == 171, "cells: %d cells, want 171" % len(members))
    check(len(urban) == 129, "cells: %d urban cells, want 129" % len(urban))
    check(len(village) == 42, "cells: %d village cells, want 42" % len(village))
    check(len(urban) + len(village) == len(members), "cells: names neither <community>/cN "
          "nor <township>/vNN: %s" % sorted(set(members) - set(urban) - set(village))[:5])
    for c in urban:
        check(c.split("/")[0] in COMMUNITIES, "cells: %s: not a community's cell" % c)
    per_township = collections.Counter(c.split("/")[0] for c in village)
    check(per_township == {t: 14 for t in TOWNSHIPS},
          "cells: village cells per township %s, want 14 each" % dict(per_township))
    for c, vs in members.items():
        zones = {net.zone[v] for v in vs}
        check(zones == {c.split("/")[0]}, "cells: %s holds nodes of zones %s" % (c, zones))
    # Cells in proportion to the communities' nodes (largest remainder: within 1).
    zone_nodes = collections.Counter(net.zone[v] for v in net.xy)
    total = sum(zone_nodes[z] for z in COMMUNITIES)
    per_comm = collections.Counter(c.split("/")[0] for c in urban)
    for z in COMMUNITIES:
        quota = 129 * zone_nodes[z] / total
        check(abs(per_comm[z] - quota) < 1 + 1e-9,
              "cells: %s has %d cells for a quota of %.2f" % (z, per_comm[z], quota))
    # Contiguity: a cell's pieces beyond its largest must be cut off in the zone too.
    zone_piece = {}
    for z in set(net.zone.values()):
        for i, piece in enumerate(net.pieces([v for v in net.xy if net.zone[v] == z], net.zone)):
            for v in piece:
                zone_piece[v] = i
    split = 0
    for c, vs in members.items():
        pieces = sorted(net.pieces(vs, cell), key=len, reverse=True)
        if len(pieces) > 1:
            split += 1
            main = zone_piece[pieces[0][0]]
            for p in pieces[1:]:
                check(zone_piece[p[0]] != main, "cells: %s is split by its own community's "
                      "roads (a piece of %d nodes at node %s)" % (c, len(p), p[0]))
    sizes = sorted(len(members[c]) for c in urban)
    print("cells: %d (%d urban, %d village), %d nodes; urban cells of %d-%d nodes; "
          "%d hold a piece their zone's roads do not reach" %
          (len(members), len(urban), len(village), len(cell), sizes[0], sizes[-1], split))


def check_cameras(d, net, places):
    path = d + "/cameras.txt"
    cams = []
    for n, f in records(path, "patrolsim-cameras 1"):
        where = "%s:%d" % (path, n)
        if not check(len(f) == 5 and f[0] == "camera",
                     where + ": expected camera <node_id> <kind> <since_year> <radius_m>"):
            continue
        check(f[1] in net.xy, where + ": node %s is not in the network" % f[1])
        check(f[2] in CAMERA_KINDS, where + ": unknown kind %s" % f[2])
        check(f[3] in ("2015", "2016"), where + ": since_year %s" % f[3])
        check(float(f[4]) > 0, where + ": radius %s" % f[4])
        cams.append((f[1], f[2], int(f[3]), float(f[4])))
    kinds = collections.Counter(c[1] for c in cams)
    check(len(cams) == 596, "cameras: %d channels, want 596" % len(cams))
    check(kinds == CAMERA_KINDS, "cameras: kinds %s, want %s" % (dict(kinds), CAMERA_KINDS))
    n2015 = sum(c[2] == 2015 for c in cams)
    check(n2015 == 138, "cameras: %d since 2015, want 138" % n2015)
    for k in CAMERA_KINDS:
        radii = {c[3] for c in cams if c[1] == k}
        check(len(radii) == 1, "cameras: %s cameras have radii %s (one per kind)" % (k, radii))
    # Concentrated around the places: within 800 m of the four landmarks.
    landmarks = [net.xy[places[p]] for p in
                 ("Dongfang-Square", "Railway-Station", "Tanmulin-Stadium", "Guangda-Street")]

    def near(v):
        x, y = net.xy[v]
        return min(math.hypot(x - a, y - b) for a, b in landmarks) < 800

    urban_nodes = [v for v in net.xy if net.zone[v] in COMMUNITIES]
    area_share = sum(map(near, urban_nodes)) / len(urban_nodes)
    cam_share = sum(near(c[0]) for c in cams if c[1] != "vehicle_checkpoint") / \
        sum(c[1] != "vehicle_checkpoint" for c in cams)
    share_2015 = sum(near(c[0]) for c in cams if c[2] == 2015) / max(n2015, 1)
    check(cam_share > 2 * area_share, "cameras: %.0f%% within 800 m of the landmarks, not much "
          "more than their %.0f%% of the urban nodes" % (100 * cam_share, 100 * area_share))
    print("cameras: %d channels, %d since 2015; within 800 m of the four landmarks: %.0f%% "
          "(2015 set %.0f%%) against %.0f%% of urban nodes; kinds %s" %
          (len(cams), n2015, 100 * cam_share, 100 * share_2015, 100 * area_share,
           dict(sorted(kinds.items()))))


def check_routes(d, net, places):
    path = d + "/routes.txt"
    lines, community = {}, {}
    n_failures = len(failures)
    for n, f in records(path, "patrolsim-routes 1"):
        where = "%s:%d" % (path, n)
        if f[0] == "line":
            if not check(len(f) >= 6 and f[2] in ("vehicle", "foot") and
                         f[3] in ("loop", "out_and_back"),
                         where + ": expected line <name> <vehicle|foot> <loop|out_and_back> "
                         "<node_id> <node_id> ..."):
                continue
            check(f[1] not in lines, where + ": line %s again" % f[1])
            lines[f[1]] = (f[2], f[3], f[4:], where)
        elif f[0] == "community":
            if not check(len(f) >= 4, where + ": expected community <name> <zone> <node_id> ..."):
                continue
            check(f[1] not in community, where + ": community line %s again" % f[1])
            community[f[1]] = (f[2], f[3:], where)
        else:
            check(False, where + ": unknown record %s" % f[0])
        for v in f[4:] if f[0] == "line" else f[3:]:
            check(v in net.xy, where + ": node %s is not in the network" % v)
    if len(failures) > n_failures:
        return  # the file itself is malformed: the checks below would only echo that
    want = {"V1", "V2", "V3"} | {"F%d" % i for i in range(1, 9)} | {"PC1", "PC2"}
    check(set(lines) == want, "routes: lines %s, want %s" % (sorted(lines), sorted(want)))
    street = [n for n in lines if not n.startswith("PC")]
    check(len(street) == 11, "routes: %d street lines, want 11" % len(street))
    passed = set()
    summary = []
    for name in sorted(lines):
        mode, shape, wp, where = lines[name]
        want_mode = "vehicle" if name.startswith("V") else "foot"
        check(mode == want_mode, "%s: %s is %s, want %s" % (where, name, mode, want_mode))
        m = 0 if mode == "vehicle" else 1
        legs = list(zip(wp, wp[1:])) + ([(wp[-1], wp[0])] if shape == "loop" else [])
        cycle_m, gap_m, nodes = 0.0, 0.0, set()
        crosses = False
        for a, b in legs:
            length, p = net.path(a, b, m)
            cycle_m += length
            gap_m = max(gap_m, length)
            nodes.update(p)
            crosses = crosses or any(frozenset(e) in net.bridges for e in zip(p, p[1:]))
        if shape == "out_and_back":
            cycle_m *= 2
        lo, hi = (8000, 15000) if name.startswith("V") else \
            (2000, 5000) if name.startswith("PC") else (2000, 4000)
        check(lo <= cycle_m <= hi, "%s: %s is %.1f km a cycle, want %.0f-%.0f km" %
              (where, name, cycle_m / 1000, lo / 1000, hi / 1000))
        check(gap_m <= 1000, "%s: %s has waypoints %.0f m apart by road (at most 1 km)" %
              (where, name, gap_m))
        if name.startswith("V"):
            check(crosses, "%s: %s does not cross the river" % (where, name))
        if name.startswith("F"):
            passed |= nodes
        summary.append("%s %.1f km" % (name, cycle_m / 1000))
    for p in ("Dongfang-Square", "Railway-Station", "Guangda-Street", "Tanmulin-Stadium"):
        check(places[p] in passed, "routes: no foot line passes %s" % p)

    check(len(community) == 56, "routes: %d community lines, want 56" % len(community))
    points = sum(len(c[1]) for c in community.values())
    check(points == 690, "routes: %d check-in points, want 690" % points)
    per_comm = collections.Counter()
    for name, (zone, wp, where) in community.items():
        check(re.fullmatch(re.escape(zone) + r"/cp\d+", name) is not None,
              "%s: %s is not named <community>/cpN for its zone %s" % (where, name, zone))
        check(zone in COMMUNITIES, "%s: %s is not an urban community" % (where, zone))
        check(10 <= len(wp) <= 15, "%s: %s has %d check-in points (10-15)" % (where, name,
                                                                              len(wp)))
        check(len(set(wp)) == len(wp), "%s: %s visits a point twice" % (where, name))
        outside = [v for v in wp if net.zone[v] != zone]
        check(not outside, "%s: %s has points outside %s: %s" % (where, name, zone, outside))
        per_comm[zone] += 1
    for z in COMMUNITIES:
        check(2 <= per_comm[z] <= 3, "routes: %s has %d community lines (2-3)" % (z, per_comm[z]))
    print("routes: %s; %d community lines, %d check-in points" %
          (", ".join(summary), len(community), points))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ops_data.py DIR (holding network.txt, places.txt, cells.txt, "
                 "cameras.txt, routes.txt)")
    d = sys.argv[1]
    net = Network(d + "/network.txt")
    places = {f[0]: f[1] for _, f in
              [(0, l.split("#", 1)[0].split()) for l in open(d + "/places.txt")] if f}
    check_cells(d, net)
    check_cameras(d, net, places)
    check_routes(d, net, places)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("ops_data: all checks passed")


if __name__ == "__main__":
    main()
