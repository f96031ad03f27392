#!/usr/bin/env python3
"""Larson's hypercube queueing model: unit workloads and who answers each atom's calls.

usage: test_hypercube.py PATROLSIM WORKDIR divert|queue

Runs scenarios/validation/hypercube.cfg (N units, J atoms with their own call rates, a fixed
preference order of units per atom, exponential on-scene times with one mean, travel off)
with dispatch.when_none_free set to "divert" (the zero-line-capacity hypercube) or "queue"
(the infinite-line-capacity hypercube), then builds and solves the model's Markov chain
(R. C. Larson, "A hypercube queuing model for facility location and redistricting in urban
emergency services", Computers & Operations Research 1(1), 1974, 67-95; Larson & Odoni,
Urban Operations Research, 1981, sec. 5.2-5.3):

  states     B in {0,1}^N, bit i = unit i busy; in the queue variant also (all busy, k
             waiting), k = 1, 2, ... (truncated where rho^k < 1e-16);
  arrivals   in atom j at rate lambda_j: B -> B + {first free unit of j's list}; when every
             unit is busy the call is lost (divert) or joins the line (queue);
  services   each busy unit at rate mu: B -> B - {i}; with k waiting, the unit that clears
             takes the head of the line, (full, k) -> (full, k - 1) at rate N mu.

pi Q = 0 with sum(pi) = 1 is solved by least squares (numpy). Then, by PASTA:

  workload of unit i          rho_i = P(unit i busy)
  fraction of atom j's calls  f_ij  = P(B not full and i is the first free unit of j's list)
  answered by unit i                  + P(all busy) / N      (queue variant: the first unit to
                                                              clear, each equally likely)
  fraction lost in atom j     P(all busy)                    (divert variant)
  fraction that waits         P(all busy)                    (queue variant)

Simulated, per replication: rho_i = busy_s / on_duty_s of /unit_reps, f_ij = counted calls of
atom j whose first unit is i / counted calls of atom j (/incidents unit, zone), the lost
fraction = diverted / counted per atom, the waiting fraction = calls with wait_s > 0.
"""
import re
import sys

import h5py
import numpy as np

import vcommon as v


def parse_plans(text, zones, units):
    """{zone index: [unit index, ...]} from the dispatch plans of the scenario text."""
    plans = {}
    for zone, lst in re.findall(r'\{\s*zone\s*=\s*"([^"]+)";\s*units\s*=\s*\[([^\]]*)\]', text):
        plans[zones.index(zone)] = [units.index(u + "-1") for u in re.findall(r'"([^"]+)"', lst)]
    return plans


def hypercube(lam, mu, plans, n_units, queue):
    """Solves the hypercube chain; returns (rho[i], f[i][j], p_full)."""
    n_b = 1 << n_units
    full = n_b - 1
    lam_tot = sum(lam)
    rho = lam_tot / (n_units * mu)
    n_q = 0
    if queue:
        assert rho < 1, "unstable"
        n_q = int(np.ceil(np.log(1e-16) / np.log(rho)))
    n_s = n_b + n_q  # states n_b .. n_b + n_q - 1: all busy and k = 1 .. n_q waiting
    q = np.zeros((n_s, n_s))

    def first_free(b, j):
        for i in plans[j]:
            if not b >> i & 1:
                return i
        return -1

    for b in range(n_b):
        for j, lj in enumerate(lam):
            i = first_free(b, j)
            if i >= 0:
                q[b, b | 1 << i] += lj
            elif queue:
                q[b, n_b] += lj
        for i in range(n_units):
            if b >> i & 1:
                q[b, b & ~(1 << i)] += mu
    for k in range(n_q):
        s = n_b + k
        q[s, s - 1 if k > 0 else full] += n_units * mu
        if k + 1 < n_q:
            q[s, s + 1] += lam_tot
    np.fill_diagonal(q, -q.sum(axis=1))
    a = np.vstack([q.T, np.ones(n_s)])
    rhs = np.zeros(n_s + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(a, rhs, rcond=None)[0]
    resid = np.abs(pi @ q).max()
    assert resid < 1e-12 and abs(pi.sum() - 1) < 1e-12, f"chain not solved ({resid})"
    p_full = pi[full] + pi[n_b:].sum()
    busy = np.zeros(n_units)
    for b in range(n_b):
        for i in range(n_units):
            if b >> i & 1:
                busy[i] += pi[b]
    busy += pi[n_b:].sum()
    f = np.zeros((n_units, len(lam)))
    for b in range(full):
        for j in range(len(lam)):
            f[first_free(b, j), j] += pi[b]
    if queue:
        f += p_full / n_units
    return busy, f, p_full


def main():
    exe, work, mode = sys.argv[1:4]
    assert mode in ("divert", "queue")
    out = v.run(exe, v.scenario("hypercube.cfg"), f"{work}/hypercube_{mode}.h5",
                "--set", f"dispatch.when_none_free={mode}")
    with h5py.File(out, "r") as f:
        text = f.attrs["scenario_text"]
        zones = [z.decode() for z in f["zones"]["name"]]
        weights = f["zones"]["weight"][:]
        units = [u.decode() for u in f["units"]["name"]]
        mean_s = f["types"]["onscene_mean_s"][0]
        summ = f["summary"][:]
        inc = f["incidents"].fields(["rep", "counted", "status", "zone", "unit", "wait_s"])[:]
        ur = f["unit_reps"][:]
    per_day = float(re.search(r"per_day\s*=\s*([0-9.eE+-]+)", text).group(1))
    plans = parse_plans(text, zones, units)
    n_u, n_z, n_rep = len(units), len(zones), len(summ)
    if sorted(plans) != list(range(n_z)):
        print("FAIL: the scenario must have one plan per zone")
        return 1
    if mode == "queue" and any(sorted(p) != list(range(n_u)) for p in plans.values()):
        print("FAIL: the infinite-queue hypercube needs every unit in every plan")
        return 1
    lam = per_day / 86400.0 * weights / weights.sum()
    mu = 1.0 / mean_s
    busy, frac, p_full = hypercube(lam, mu, plans, n_u, mode == "queue")

    inc = inc[inc["counted"] == 1]
    if mode == "queue" and np.any(inc["status"] != 0):
        print("FAIL: counted calls not answered in the queue variant")
        return 1
    print(f"hypercube ({mode}): {n_u} units, {n_z} atoms, lambda = {per_day:g}/day, "
          f"1/mu = {mean_s:g} s; {n_rep} replications of {len(inc) / n_rep:.0f} counted calls")
    print("preference lists: " + "; ".join(
        f"{zones[j]}: {' '.join(units[i] for i in plans[j])}" for j in range(n_z)))
    fam = v.Family(f"hypercube, {'zero' if mode == 'divert' else 'infinite'}-line-capacity "
                   f"variant, P(all busy) = {p_full:.4f}")
    for i in range(n_u):
        rows = ur[ur["unit"] == i]
        rows = rows[np.argsort(rows["rep"])]
        fam.add(f"workload {units[i]}", busy[i], rows["busy_s"] / rows["on_duty_s"])
    for j in range(n_z):
        inz = [inc[(inc["rep"] == r) & (inc["zone"] == j)] for r in range(n_rep)]
        for i in range(n_u):
            fam.add(f"atom {zones[j]} -> {units[i]}", frac[i, j],
                    [np.mean(c["unit"] == i) for c in inz])
        if mode == "divert":
            fam.add(f"atom {zones[j]} lost", p_full, [np.mean(c["status"] == 1) for c in inz])
    if mode == "queue":
        fam.add("calls that wait", p_full,
                [np.mean(inc["wait_s"][inc["rep"] == r] > 0) for r in range(n_rep)])
    return fam.finish()


if __name__ == "__main__":
    sys.exit(main())
