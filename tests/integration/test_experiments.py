#!/usr/bin/env python3
"""Batch experiments end to end: MPI runs, kill and resume, shards and merge, compare, sweep,
the precision stopping rule.

usage: test_experiments.py CHECK PATROLSIM SOURCE_DIR WORK_DIR [MPIEXEC]

Each CHECK is one CTest test (tests/integration/CMakeLists.txt). They run the default scenario
shortened to 3 days (one of warm-up) with a few replications, so each takes seconds. "Same
data" means every per-replication table (/summary, /incidents, /unit_reps and the operations
tables: every dataset with a rep column) holds the same bytes, and h5dump prints the same
/summary and /incidents.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

# Read files that a running patrolsim holds (check_resume); set before HDF5 is loaded.
os.environ["HDF5_USE_FILE_LOCKING"] = "FALSE"
import h5py  # noqa: E402

CHECK, EXE, SRC, WORK = sys.argv[1:5]
MPIEXEC = sys.argv[5] if len(sys.argv) > 5 else "mpiexec"
SCEN = os.path.join(SRC, "scenarios", "ziliujing.cfg")
SCEN_2015 = os.path.join(SRC, "scenarios", "ziliujing-2015.cfg")
SHORT = ["--set", "run.horizon_days=3", "--set", "run.warmup_days=1"]


def run(*args, check=True, env=None):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        fail(f"patrolsim {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def out(name):
    return os.path.join(WORK, name)


def h5dump_data(path, dataset):
    """The data of one dataset as h5dump prints it: equal text means equal values."""
    text = subprocess.run(["h5dump", "-d", dataset, "-y", "-w", "0", path],
                          capture_output=True, text=True, check=True).stdout
    return text[text.index("DATA {"):]


def rep_tables(path):
    """Every per-replication table of a results file: name -> its rows as bytes."""
    tables = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.names and "rep" in obj.dtype.names:
                tables[name] = obj[:].tobytes()
        f.visititems(visit)
    return tables


def same_data(a, b, what):
    ta, tb = rep_tables(a), rep_tables(b)
    if sorted(ta) != sorted(tb):
        fail(f"{what}: different tables {sorted(ta)} vs {sorted(tb)}")
    for name in ta:
        if ta[name] != tb[name]:
            fail(f"{what}: /{name} differs between {a} and {b}")
    for ds in ("/summary", "/incidents"):
        if h5dump_data(a, ds) != h5dump_data(b, ds):
            fail(f"{what}: h5dump -d {ds} differs")
    print(f"{what}: same data in {len(ta)} tables ({', '.join(sorted(ta))})")


def summary_json(path):
    return json.loads(run("summary", path, "--json").stdout)


def mpi_env():
    env = dict(os.environ)
    if os.geteuid() == 0:
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return env


def mpirun(n, *args):
    cmd = [MPIEXEC, "-np", str(n), "--oversubscribe", EXE, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env(), timeout=240)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def check_mpi():
    """mpirun -np 2 writes the same data as one process, for run and for sweep."""
    ref = out("ref.h5")
    run("run", SCEN, *SHORT, "-r", "6", "-j", "1", "-q", "-o", ref)
    m = out("mpi.h5")
    # 2 ranks x 2 threads: rank 0 computes on 2 threads and proxies the 2 of rank 1.
    p = mpirun(2, "run", SCEN, *SHORT, "-r", "6", "-j", "2", "-o", m)
    print(p.stdout)
    if p.stdout.count("Scenario ziliujing") != 1:
        fail("the table should be printed once, by rank 0")
    if "on 2 ranks with 4 worker threads" not in p.stdout:
        fail("the footer should say 2 ranks and 4 workers")
    same_data(ref, m, "mpirun -np 2, 2 threads each, vs 1 process 1 thread")

    # A sweep under MPI: each variant's file equals a one-process run of that variant.
    d = out("sweep_mpi")
    shutil.rmtree(d, ignore_errors=True)
    mpirun(2, "sweep", SCEN, *SHORT, "-r", "4", "-j", "1", "-q", "-o", d,
           "--vary", "units.wuxingjie-day.count=1,3")
    for n in (1, 3):
        single = out(f"single_{n}.h5")
        run("run", SCEN, *SHORT, "-r", "4", "-q", "-o", single,
            "--set", f"units.wuxingjie-day.count={n}")
        same_data(single, os.path.join(d, f"count={n}.h5"), f"mpi sweep variant count={n}")


def reps_in(path):
    """replications_done of a file being written, or -1 when it cannot be read just now. The
    writer holds HDF5's file lock, so read without locking (the environment variable below);
    a read that races with a flush may fail and is simply tried again."""
    try:
        with h5py.File(path, "r") as f:
            return int(f.attrs["replications_done"])
    except Exception:
        return -1


def wait_for_reps(path, n, proc, timeout=120):
    """Waits until the file being written holds at least n replications, or fails if the
    process ends first."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            fail(f"the run ended ({proc.returncode}) before it could be interrupted: "
                 "raise the replication count")
        if os.path.exists(path) and reps_in(path) >= n:
            return
        time.sleep(0.05)
    fail(f"{path} did not reach {n} replications")


def check_resume():
    """kill -9 and Ctrl-C mid-run, then --resume: the same data as an uninterrupted run."""
    # Enough replications that the run is still going when the poll below sees the first
    # three, even on a loaded machine (60 took about a second and once finished first).
    n = 150
    args = [SCEN, *SHORT, "-r", str(n), "-j", "1"]
    ref = out("uninterrupted.h5")
    run("run", *args, "-q", "-o", ref)
    for how in ("SIGKILL", "SIGINT"):
        target = out(f"killed_{how}.h5")
        for p in (target, target + ".tmp"):
            if os.path.exists(p):
                os.remove(p)
        proc = subprocess.Popen([EXE, "run", *args, "-o", target], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        wait_for_reps(target + ".tmp", 3, proc)
        proc.send_signal(getattr(signal, how))
        stdout, stderr = proc.communicate(timeout=120)
        if os.path.exists(target) or not os.path.exists(target + ".tmp"):
            fail(f"{how}: expected {target}.tmp and no {target}")
        kept = summary_json(target + ".tmp")["replications"]
        print(f"{how}: exit {proc.returncode}, {kept} replications kept in the .tmp")
        if not 0 < kept < n:
            fail(f"{how}: {kept} replications kept")
        if how == "SIGINT":
            if proc.returncode != 130:
                fail(f"SIGINT: exit status {proc.returncode}, expected 130\n{stderr}")
            if "--resume" not in stderr or "kept in" not in stderr:
                fail(f"SIGINT: the message should say how to resume:\n{stderr}")
            print(stderr)
        p = run("run", *args, "-o", target, "--resume")
        if f"{kept} replications were already in the file" not in p.stdout:
            fail(f"{how}: resume should say it read back {kept} replications:\n{p.stdout}")
        if f"Scenario ziliujing, {n} replications" not in p.stdout:
            fail(f"{how}: the final table should cover all {n} replications:\n{p.stdout}")
        same_data(ref, target, f"{how} then --resume vs uninterrupted")
        # The table after resuming is the table of the uninterrupted run.
        if summary_json(target)["figures"] != summary_json(ref)["figures"]:
            fail(f"{how}: summary figures differ after resume")
    # A finished file is not run again; one of another run is refused.
    p = run("run", *args, "-o", ref, "--resume")
    if "already complete" not in p.stdout:
        fail("--resume on a complete file should run nothing")
    p = run("run", *args, "-s", "5", "-o", ref, "--resume", check=False)
    if p.returncode != 2 or "seed" not in p.stderr:
        fail(f"--resume with another seed: expected exit 2 naming the seed\n{p.stderr}")
    print("--resume: complete file kept, another seed refused")


def check_merge():
    """Shards merge into the file one run writes; overlaps, gaps and mismatches are refused."""
    base = [SCEN, *SHORT, "-r", "6", "-q"]
    ref = out("whole.h5")
    run("run", *base, "-o", ref)
    shards = {}
    for rng in ("0:2", "2:5", "5:6", "1:3", "4:6"):
        shards[rng] = out(f"shard_{rng.replace(':', '-')}.h5")
        run("run", *base, "--rep-range", rng, "-o", shards[rng])
    with h5py.File(shards["2:5"], "r") as f:
        if list(f["summary"]["rep"]) != [2, 3, 4] or f.attrs["rep_first"] != 2:
            fail("shard 2:5 should hold replications 2, 3, 4")
    merged = out("merged.h5")
    p = run("merge", merged, shards["5:6"], shards["0:2"], shards["2:5"])
    print(p.stdout)
    same_data(ref, merged, "merge of 3 shards vs one run")
    with h5py.File(merged, "r") as f:
        if f.attrs["status"] != "complete" or len(f.attrs["merged_from"]) != 3:
            fail("merged file attributes")

    def refused(expect, *files):
        bad = out("bad_merge.h5")
        p = run("merge", bad, *files, check=False)
        if p.returncode != 2 or expect not in p.stderr or os.path.exists(bad):
            fail(f"merge {files}: expected exit 2 with '{expect}' and no file\n{p.stderr}")
        print(f"refused: {p.stderr.strip().splitlines()[0]}")

    refused("both hold", shards["0:2"], shards["1:3"], shards["2:5"], shards["5:6"])
    refused("missing", shards["0:2"], shards["4:6"])
    refused("missing", shards["0:2"], shards["2:5"])
    other_seed = out("shard_seed.h5")
    run("run", *base, "-s", "99", "--rep-range", "2:5", "-o", other_seed)
    refused("another seed", shards["0:2"], other_seed, shards["5:6"])
    other_set = out("shard_set.h5")
    run("run", *base, "--set", "units.wuxingjie-day.count=1", "--rep-range", "2:5",
        "-o", other_set)
    refused("other --set overrides", shards["0:2"], other_set, shards["5:6"])
    other_reps = out("shard_reps.h5")
    run("run", SCEN, *SHORT, "-r", "7", "-q", "--rep-range", "5:7", "-o", other_reps)
    refused("replication count", shards["0:2"], shards["2:5"], other_reps)


def compare_json(a, b, *extra, check=True):
    p = run("compare", a, b, "--json", *extra, check=check)
    return json.loads(p.stdout) if p.returncode == 0 else p


def check_compare():
    """A real difference between deployments is found; none between a run and itself."""
    a, b = out("cmp_a.h5"), out("cmp_b.h5")
    run("run", SCEN, *SHORT, "-r", "6", "-q", "-o", a)
    run("run", SCEN, *SHORT, "-r", "6", "-q", "-o", b, "--set", "units.wuxingjie-day.count=1")
    js = compare_json(a, b, "--power", "30")
    fig = js["figures"]["response_mean_s"]
    print("default vs 1 day car at Wuxingjie:", fig)
    if not js["same_incidents"] or js["warnings"]:
        fail(f"same seed and call model: expected the same incidents, no warning {js['warnings']}")
    if not (fig["significant"] and fig["diff"] > 0 and fig["ci95_low"] > 0):
        fail("fewer cars at Wuxingjie should give a significantly longer mean response")
    if not fig["variance_reduction"] > 0.5:
        fail(f"common random numbers should cut the variance (got {fig['variance_reduction']})")
    pw = js["power"]
    if not 2 <= pw["replications_paired"] <= pw["replications_independent"]:
        fail(f"power: {pw}")
    # Tails are paired too.
    for name in ("response_p90_s", "within_target", "p1_response_p90_s"):
        if js["figures"][name]["n"] != 6:
            fail(f"{name} should rest on 6 pairs")

    # A run against itself: every difference exactly 0, nothing significant.
    same = compare_json(a, a)
    for name, f in same["figures"].items():
        if f["n"] >= 2 and (f["diff"] != 0 or f["half_width"] != 0 or f["significant"]):
            fail(f"self-comparison: {name} {f}")
    print("self-comparison: every difference 0 ± 0")
    text = run("compare", a, b, "--power", "30").stdout
    for word in ("B - A (paired)", "variance reduction", "response_mean (min)", "yes",
                 "Common random numbers", "paired (as here)"):
        if word not in text:
            fail(f"compare table lacks '{word}':\n{text}")

    # Another seed: a warning, and --strict refuses.
    c = out("cmp_c.h5")
    run("run", SCEN, *SHORT, "-r", "6", "-q", "-o", c, "-s", "12345")
    js = compare_json(a, c)
    if js["same_incidents"] is not None or not any("seeds differ" in w for w in js["warnings"]):
        fail(f"another seed should be warned about: {js['warnings']}")
    p = run("compare", a, c, "--strict", check=False)
    if p.returncode != 2 or "refused" not in p.stderr:
        fail(f"--strict with another seed: expected exit 2\n{p.stderr}")

    # The 2015 and 2016 scenarios: the same incidents, a real difference.
    if os.path.exists(SCEN_2015):
        y15 = out("cmp_2015.h5")
        run("run", SCEN_2015, *SHORT, "-r", "6", "-q", "-o", y15)
        js = compare_json(y15, a, "--strict")
        fig = js["figures"]["response_mean_s"]
        print("2015 vs 2016:", fig)
        if not js["same_incidents"] or not fig["significant"] or fig["diff"] >= 0:
            fail("2016 should answer significantly faster than 2015, on the same incidents")


def check_sweep():
    """A factorial sweep: one file per variant, the index, the table; a variants file."""
    d = out("sweep")
    shutil.rmtree(d, ignore_errors=True)
    p = run("sweep", SCEN, *SHORT, "-r", "3", "-o", d, "--vary", "units.wuxingjie-day.count=1,3",
            "--vary", "dispatch.when_none_free=queue,divert")
    print(p.stdout)
    names = ["count=1+when_none_free=queue", "count=1+when_none_free=divert",
             "count=3+when_none_free=queue", "count=3+when_none_free=divert"]
    for n in names:
        if not os.path.exists(os.path.join(d, n + ".h5")):
            fail(f"no file for variant {n}: {sorted(os.listdir(d))}")
        if n not in p.stdout:
            fail(f"the table lacks variant {n}")
    with open(os.path.join(d, "index.csv")) as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    if len(lines) != 5 or "response_mean_s_hw" not in header or "diff_response_mean_s" not in header:
        fail(f"index.csv: {lines[:2]}")
    # A variant's file is what a run with its settings writes (common random numbers: the
    # variants share the seed and hence the incidents).
    single = out("sweep_single.h5")
    run("run", SCEN, *SHORT, "-r", "3", "-q", "-o", single, "--set",
        "units.wuxingjie-day.count=3", "--set", "dispatch.when_none_free=divert")
    same_data(single, os.path.join(d, "count=3+when_none_free=divert.h5"), "sweep variant")
    js = compare_json(os.path.join(d, names[0] + ".h5"), os.path.join(d, names[2] + ".h5"))
    if not js["same_incidents"]:
        fail("sweep variants should face the same incidents")

    # Named variants from a file; a bad file is reported with file:line and exit 2.
    vf = out("variants.txt")
    with open(vf, "w") as f:
        f.write("# name   settings\nbaseline\nfewer-day  units.wuxingjie-day.count=1  # comment\n")
    d2 = out("sweep_named")
    shutil.rmtree(d2, ignore_errors=True)
    p = run("sweep", SCEN, *SHORT, "-r", "4", "-q", "-o", d2, "--variants", vf)
    if sorted(os.listdir(d2)) != ["baseline.h5", "fewer-day.h5", "index.csv"]:
        fail(f"named variants: {sorted(os.listdir(d2))}")
    # --resume: nothing left to run.
    p = run("sweep", SCEN, *SHORT, "-r", "4", "-o", d2, "--variants", vf, "--resume")
    if p.stdout.count("(already complete)") != 2:
        fail(f"sweep --resume should find every variant complete:\n{p.stdout}")
    bad = out("variants_bad.txt")
    with open(bad, "w") as f:
        f.write("ok\nbad/name x=1\nok\nthird units.x\n")
    p = run("sweep", SCEN, *SHORT, "-r", "4", "-q", "-o", d2, "--variants", bad, check=False)
    for expect in (f"{bad}:2:", f"{bad}:3:", f"{bad}:4:"):
        if expect not in p.stderr:
            fail(f"bad variants file: expected '{expect}' in\n{p.stderr}")
    if p.returncode != 2:
        fail(f"bad variants file: exit {p.returncode}")
    p = run("sweep", SCEN, *SHORT, "-r", "4", "-q", "-o", d2, "--vary", "units.nosuch.count=1,2",
            check=False)
    if p.returncode != 2 or "units.nosuch.count" not in p.stderr:
        fail(f"a bad --vary path: expected exit 2 naming it\n{p.stderr}")


def check_precision():
    """--precision stops at the same replication whatever the threads, once the CI is narrow."""
    a, b = out("prec_1.h5"), out("prec_2.h5")
    args = [SCEN, *SHORT, "-r", "300", "--precision", "3%"]
    p = run("run", *args, "-j", "1", "-o", a)
    run("run", *args, "-j", "2", "-q", "-o", b)
    same_data(a, b, "--precision with 1 and 2 threads")
    js = summary_json(a)
    fig = js["figures"]["response_mean_s"]
    n = js["replications"]
    print(f"--precision 3%: {n} replications, half-width {fig['half_width']:.2f} s "
          f"of mean {fig['mean']:.1f} s")
    if not 10 <= n < 300 or not fig["half_width"] <= 0.03 * fig["mean"]:
        fail("the stopping rule should stop early with the half-width within 3% of the mean")
    if js["replications_planned"] != n:
        fail("a run stopped by its rule is complete")
    with h5py.File(a, "r") as f:
        if "precision" not in f.attrs["stopping_rule"] or f.attrs["replications_max"] != 300:
            fail("stopping_rule and replications_max attributes")
    if "stopping rule met" not in p.stdout:
        fail(f"the run should say the rule was met:\n{p.stdout}")


CHECKS = {"mpi": check_mpi, "resume": check_resume, "merge": check_merge,
          "compare": check_compare, "sweep": check_sweep, "precision": check_precision}

if __name__ == "__main__":
    os.makedirs(WORK, exist_ok=True)
    CHECKS[CHECK]()
    print("ok")
