#!/usr/bin/env python3
"""Nothing lost: a run that cannot write its results says so clearly, exits non-zero and
leaves an earlier results file of the same name exactly as it was.

usage: nothing_lost.py basic|mounts PATROLSIM SOURCE_DIR WORK_DIR [--table]

basic   an output path under a non-directory (/dev/null/x.h5), an output path that is a
        directory, Ctrl-C (SIGINT) and SIGKILL in the middle of a run;
mounts  a read-only directory (a read-only bind mount) and a full disk (a 1 MiB tmpfs),
        both holding an earlier results file. Mounting needs root: without it the group
        exits 77, which CTest reports as skipped, with the reason on stdout.

Results are written as NAME.tmp and renamed when complete (models/results.c, sim/h5.c), so
the earlier NAME must keep its bytes (SHA-256) whatever happens to the new run.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

GROUP, EXE, SRC, WORK = sys.argv[1:5]
TABLE = "--table" in sys.argv[5:]
SCEN = os.path.join(SRC, "tests", "data", "scen", "small.cfg")
QUICK = ["--set", "run.horizon_days=2"]
failures = []
rows = []


def sha(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(*args, timeout=120):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def check(name, ok, detail, rc, msg, table=True):
    print(f"[{'ok' if ok else 'FAIL'}] {name}: exit {rc}\n    {msg.strip()[:300]}")
    if not ok:
        failures.append(name)
        print("    " + detail)
    if table:
        shown = msg.strip().splitlines()[0] if msg.strip() else ""
        rows.append(f"| run: {name} | `{shown.replace(WORK + '/', '')[:170]}` | {rc} |")


def earlier(path):
    """Writes a good results file at path (the 'earlier' run) and returns its hash."""
    rc, out = run("run", SCEN, "-q", "-r", "1", *QUICK, "-o", path)
    if rc != 0:
        sys.exit(f"cannot write the earlier file {path} ({rc}):\n{out}")
    return sha(path)


def refused_write(name, out_path, want, keep=None, keep_sha=None):
    """A run whose output cannot be written: exit 1, `want` in the message, keep intact."""
    rc, out = run("run", SCEN, "-q", "-r", "3", *QUICK, "-o", out_path)
    problems = []
    if rc != 1:
        problems.append(f"exit status {rc}, expected 1 (an output failure)")
    if want not in out or out_path not in out:
        problems.append(f"message lacks '{want}' or the path")
    if keep and (not os.path.exists(keep) or sha(keep) != keep_sha):
        problems.append(f"the earlier {keep} changed or vanished")
    check(name, not problems, "; ".join(problems), rc, out)


def basic():
    refused_write("output under a non-directory (/dev/null/x.h5)", "/dev/null/x.h5",
                  "Not a directory")
    d = os.path.join(WORK, "a-directory.h5")
    os.mkdir(d)
    with open(os.path.join(d, "inside"), "w") as f:
        f.write("keep me\n")
    rc, out = run("run", SCEN, "-q", "-r", "2", *QUICK, "-o", d)
    ok = rc == 1 and "rename" in out and os.path.isdir(d) and \
        open(os.path.join(d, "inside")).read() == "keep me\n"
    check("output path is an existing directory", ok,
          "expected exit 1, a rename failure, the directory untouched", rc, out)

    # Ctrl-C: the replications finished so far are kept in NAME.tmp; NAME is untouched.
    target = os.path.join(WORK, "interrupted.h5")
    keep = earlier(target)
    proc = subprocess.Popen([EXE, "run", SCEN, "-q", "-r", "100000", *QUICK, "-j", "1",
                             "-o", target], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    rc = proc.returncode
    src, sout = run("summary", target + ".tmp")
    ok = rc == 130 and "they are kept in" in out and sha(target) == keep and src == 0 and \
        "(run incomplete)" in sout
    check("Ctrl-C (SIGINT) during a run of 100,000 replications", ok,
          f"expected exit 130, '.tmp' kept and readable, {target} untouched "
          f"(summary of the .tmp: exit {src}: {sout.strip()[:200]})", rc, out)
    check("... the .tmp it kept, given to summary", src == 0, "", src,
          sout.strip().splitlines()[0] if sout.strip() else "")

    # SIGKILL: no chance to clean up; NAME must still be the earlier file.
    target = os.path.join(WORK, "killed.h5")
    keep = earlier(target)
    proc = subprocess.Popen([EXE, "run", SCEN, "-q", "-r", "100000", *QUICK, "-j", "1",
                             "-o", target], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(2.0)
    proc.kill()
    proc.communicate()
    ok = sha(target) == keep and os.path.exists(target + ".tmp")
    src, sout = run("summary", target + ".tmp")
    check("SIGKILL during a run", ok, f"{target} changed, or no .tmp", proc.returncode,
          f"earlier file intact; the .tmp summarised: exit {src}: "
          f"{sout.strip().splitlines()[0] if sout.strip() else ''}")


def can_mount():
    probe = os.path.join(WORK, "probe")
    os.makedirs(probe, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return p.stderr.strip() or "mount failed"
    subprocess.run(["umount", probe])
    return None


def mounts():
    why = can_mount()
    if why:
        print(f"SKIP: cannot mount file systems here ({why}): the read-only directory and "
              "full-disk cases need root (scripts/quickstart test runs as root)")
        sys.exit(77)
    # A read-only directory holding an earlier results file.
    src_dir, ro = os.path.join(WORK, "ro-src"), os.path.join(WORK, "ro")
    os.makedirs(src_dir)
    os.makedirs(ro)
    keep = earlier(os.path.join(src_dir, "x.h5"))
    mounted = []
    try:
        subprocess.run(["mount", "--bind", src_dir, ro], check=True)
        mounted.append(ro)
        subprocess.run(["mount", "-o", "remount,ro,bind", ro], check=True)
        refused_write("read-only directory holding an earlier x.h5", os.path.join(ro, "x.h5"),
                      "Read-only file system", os.path.join(ro, "x.h5"), keep)
        leftover = os.path.exists(os.path.join(ro, "x.h5.tmp"))
        check("... no x.h5.tmp left in it", not leftover, "a .tmp appeared", 0, "", table=False)

        # A full disk: a 1 MiB tmpfs with an earlier x.h5, then nearly all the rest taken.
        for left_kb, label in ((0, "no space left at all"), (150, "150 kB left (fills mid-run)")):
            full = os.path.join(WORK, f"full{left_kb}")
            os.makedirs(full)
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full], check=True)
            mounted.append(full)
            target = os.path.join(full, "x.h5")
            keep = earlier(target)
            st = os.statvfs(full)
            fill = st.f_bavail * st.f_frsize - left_kb * 1024
            with open(os.path.join(full, "filler"), "wb") as f:
                try:
                    f.write(b"\0" * max(0, fill))
                except OSError:
                    pass
            rc, out = run("run", SCEN, "-q", "-r", "20", *QUICK, "-o", target)
            problems = []
            if rc != 1:
                problems.append(f"exit status {rc}, expected 1")
            if "No space left on device" not in out:
                problems.append("message lacks 'No space left on device'")
            if sha(target) != keep:
                problems.append("the earlier x.h5 changed")
            check(f"full disk, {label}, earlier x.h5 there", not problems, "; ".join(problems),
                  rc, out)
            if left_kb == 0:
                continue
            # The replications finished before the disk filled are in the .tmp, and once
            # there is room again --resume finishes the run from them.
            src, sout = run("summary", target + ".tmp")
            kept = src == 0 and " of 20 replications (run incomplete)" in sout and \
                not sout.startswith("Scenario small, 0 of")
            check("... the .tmp it kept, given to summary", kept,
                  "expected a readable .tmp with at least one replication", src,
                  sout.strip().splitlines()[0] if sout.strip() else "")
            os.remove(os.path.join(full, "filler"))
            rc, out = run("run", SCEN, "-q", "-r", "20", *QUICK, "-o", target, "--resume")
            src, sout = run("summary", target)
            done = rc == 0 and src == 0 and "20 replications" in sout and \
                not os.path.exists(target + ".tmp")
            check("... then space freed and the same run with --resume", done,
                  f"expected the run finished from the .tmp: {out.strip()[:200]}", rc,
                  sout.strip().splitlines()[0] if sout.strip() else out)
    finally:
        for m in reversed(mounted):
            subprocess.run(["umount", m])


def main():
    if os.path.isdir(WORK):
        for m in ("ro", "full0", "full150", "probe"):
            subprocess.run(["umount", os.path.join(WORK, m)], capture_output=True)
        shutil.rmtree(WORK)
    os.makedirs(WORK)
    {"basic": basic, "mounts": mounts}[GROUP]()
    if TABLE:
        print("\n".join(rows))
    if failures:
        print(f"{len(failures)} case(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print("all cases as expected")


if __name__ == "__main__":
    main()
