#!/usr/bin/env python3
"""osm_import.py - timings of 'patrolsim map import' on the real extracts beside the repository
and of 'patrolsim fit' on the sample history (printed figures, never pass/fail).

    osm_import.py PATROLSIM SOURCE_DIR WORK_DIR

Each command runs 3 times; the median wall time is printed. Extracts that are absent are
skipped (../shared/data/maps, see its SOURCES.md).
"""
import os
import statistics
import subprocess
import sys
import time


def timed(args):
    walls = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def main():
    psim, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    maps = os.path.join(src, "..", "shared", "data", "maps")
    print("patrolsim map import (median of 3 runs):")
    for f in ("fujian_ninghua_town.osm", "beijing_haidian_xueyuanlu.osm", "monaco.osm.pbf"):
        path = os.path.join(maps, f)
        if not os.path.exists(path):
            print("  %-32s absent, skipped" % f)
            continue
        out = os.path.join(work, f + ".txt")
        wall = timed([psim, "map", "import", path, "-o", out, "-q"])
        nodes = sum(1 for l in open(out) if l.startswith("node "))
        print("  %-32s %8.3f s  %6d nodes kept" % (f, wall, nodes))
    hist = os.path.join(src, "scenarios", "ziliujing", "history-2016-sample.csv")
    net = os.path.join(src, "scenarios", "ziliujing", "network.txt")
    wall = timed([psim, "fit", hist, "--network", net, "-o", os.path.join(work, "fit.cfg")])
    print("patrolsim fit of the sample history (4,579 calls, 400 bootstrap resamples): %.3f s"
          % wall)


if __name__ == "__main__":
    main()
