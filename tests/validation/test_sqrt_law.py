#!/usr/bin/env python3
"""The square-root law: mean travel distance to the nearest of n free units on a fine grid.

usage: test_sqrt_law.py PATROLSIM WORKDIR N

Kolesar and Blum (Management Science 19(12), 1973, "Square root laws for fire engine response
distances") and Larson and Odoni (Urban Operations Research, 1981, sec. 3.7): with n free
units over an area A and calls uniform over it, the mean distance from a call to the nearest
unit is about c sqrt(A / n). For units scattered at random (a Poisson field of density
g = n / A) and right-angle (Manhattan) travel, P(D > r) = exp(-2 g r^2) (the points within
Manhattan distance r of the call fill a square of area 2 r^2), so E[D] = sqrt(pi / 8) / sqrt(g),
c = sqrt(pi / 8) = 0.6267; near the edges of a bounded area c comes out larger.

scenarios/validation/sqrt_law_n<N>.cfg puts N units at random nodes of a 41 x 41 grid of
100 m blocks (grid41.txt; all roads at one speed, so travel distance = Manhattan distance)
with calls uniform over the nodes and light load. The test:

 1. regenerates the scenario files with scenarios/validation/mkgrid.py and checks that they
    are the committed ones;
 2. runs the scenario and keeps the counted, answered calls that found every unit at its
    station (no other call's unit out between its dispatch and its return home, return time
    = Manhattan distance / speed): for these the nearest-unit rule is exact;
 3. checks exactly, call by call, that travel_m is the Manhattan distance to the nearest
    station (the dispatch rule and the path lengths);
 4. checks the per-replication mean travel_m against the exact expectation for these unit
    positions, (1 / nodes) sum over nodes of the distance to the nearest unit, within the
    replications' CI (this exercises the placement of calls);
 5. prints c = E[D] / sqrt(A / n) for these positions and, averaged over 400 random
    placements of n units, beside the 0.6267 of the unbounded plane.
"""
import filecmp
import math
import os
import subprocess
import sys

import h5py
import numpy as np

import vcommon as v

C_RIGHT_ANGLE = math.sqrt(math.pi / 8.0)


def nearest_mean(xy, units_xy):
    """Mean over the nodes of the Manhattan distance to the nearest of units_xy."""
    d = np.abs(xy[:, None, 0] - units_xy[None, :, 0]) + np.abs(xy[:, None, 1] - units_xy[None, :, 1])
    return d.min(axis=1)


def main():
    exe, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    gen = os.path.join(work, "mkgrid")
    os.makedirs(gen, exist_ok=True)
    subprocess.run([sys.executable, v.scenario("mkgrid.py"), gen], check=True)
    for name in ("grid41.txt", f"sqrt_law_n{n}.cfg"):
        if not filecmp.cmp(os.path.join(gen, name), v.scenario(name), shallow=False):
            print(f"FAIL: scenarios/validation/{name} is not what mkgrid.py makes")
            return 1

    out = v.run(exe, v.scenario(f"sqrt_law_n{n}.cfg"), f"{work}/sqrt_law_n{n}.h5")
    with h5py.File(out, "r") as f:
        nodes = f["network/nodes"][:]
        speeds = f["network/edges"]["speed_vehicle_mps"][:]
        home_id = f["units"]["home_node_id"][:]
        n_rep = len(f["summary"])
        inc = f["incidents"].fields(["rep", "counted", "status", "node", "unit", "t_dispatch_s",
                                     "t_clear_s", "travel_m"])[:]
    if len(home_id) != n or not np.all(speeds == speeds[0]):
        print("FAIL: the scenario is not n units on a one-speed grid")
        return 1
    speed = speeds[0]
    xy = np.stack([nodes["x_m"], nodes["y_m"]], axis=1)
    index_of = {int(i): k for k, i in enumerate(nodes["id"])}
    home_xy = xy[[index_of[int(i)] for i in home_id]]
    nearest = nearest_mean(xy, home_xy)
    expect = nearest.mean()

    # Calls that found every unit at home: dispatched after every earlier call's unit was back.
    inc = inc[inc["status"] == 0]
    call_xy = xy[inc["node"]]
    back = inc["t_clear_s"] + np.abs(call_xy - home_xy[inc["unit"]]).sum(axis=1) / speed
    clean = np.zeros(len(inc), dtype=bool)
    for r in range(n_rep):
        idx = np.flatnonzero(inc["rep"] == r)
        idx = idx[np.argsort(inc["t_dispatch_s"][idx], kind="stable")]
        prev_back = np.concatenate([[-np.inf], np.maximum.accumulate(back[idx])[:-1]])
        clean[idx] = inc["t_dispatch_s"][idx] >= prev_back
    keep = clean & (inc["counted"] == 1)
    wrong = np.flatnonzero(keep & (inc["travel_m"] != nearest[inc["node"]]))
    print(f"{n} units on a 41 x 41 grid; {n_rep} replications, {keep.sum() / n_rep:.0f} "
          f"counted calls each that found every unit at its station "
          f"({100 * (1 - keep.sum() / (inc['counted'] == 1).sum()):.1f}% of calls did not)")
    if len(wrong):
        k = wrong[0]
        print(f"FAIL: {len(wrong)} calls not answered from the nearest station, e.g. call at node "
              f"{nodes['id'][inc['node'][k]]}: {inc['travel_m'][k]:.1f} m, nearest "
              f"{nearest[inc['node'][k]]:.1f} m")
        return 1
    print("every such call was answered from its nearest station (travel_m exact)")

    per_rep = [inc["travel_m"][keep & (inc["rep"] == r)].mean() for r in range(n_rep)]
    area = np.ptp(xy[:, 0]) * np.ptp(xy[:, 1])
    scale = math.sqrt(area / n)
    rng = np.random.default_rng(2385 + n)
    placed = [nearest_mean(xy, xy[rng.choice(len(xy), n, replace=False)]).mean()
              for _ in range(400)]
    print(f"A = {area / 1e6:g} km^2, sqrt(A/n) = {scale:.1f} m; c = E[D] / sqrt(A/n): "
          f"{expect / scale:.4f} for these units, {np.mean(placed) / scale:.4f} averaged over "
          f"400 random placements, {C_RIGHT_ANGLE:.4f} in the unbounded plane")
    fam = v.Family(f"square-root law, n = {n}")
    fam.add("mean travel (m)", expect, per_rep, fmt="{:.2f}")
    return fam.finish()


if __name__ == "__main__":
    sys.exit(main())
