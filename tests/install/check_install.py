#!/usr/bin/env python3
"""tests/install/check_install.py — `meson install` as a user does it, then the
installed netsim as a user runs it.

1. `meson install --destdir` into a temporary directory: the program, the gnuplot
   scripts, the man page, bash completion, the docs and the example scenarios land
   where they belong under the prefix.
2. The installed tree is moved elsewhere (an install is relocatable: netsim finds its
   scripts from its own location, not from a path compiled in) and, with no
   NETSIM_PLOTS_DIR, runs and plots a shipped scenario.
3. The results directory is copied somewhere else and redrawn there by gnuplot alone
   (`gnuplot plots/plot-all.gp`): it is self-contained.
4. The bash completion, sourced in bash, completes commands, options and scenario
   files.

Usage: check_install.py MESON BUILD_ROOT   (exit 77 = skipped: no gnuplot or bash)
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}\n{r.stdout}{r.stderr}")
    return r


def find_one(root, pattern):
    hits = glob.glob(os.path.join(root, pattern), recursive=True)
    if len(hits) != 1:
        sys.exit(f"FAIL: expected one {pattern} under {root}, found {hits}")
    return hits[0]


def check_layout(dest):
    exe = find_one(dest, "**/bin/netsim")
    prefix = os.path.dirname(os.path.dirname(exe))
    for rel in ("share/netsim/plots/cwnd.gp", "share/netsim/plots/rtt.gp",
                "share/netsim/scenarios/lossy.json", "share/man/man1/netsim.1",
                "share/bash-completion/completions/netsim", "share/doc/netsim/README.md",
                "share/doc/netsim/outputs.md", "share/doc/netsim/scenario-format.md"):
        if not os.path.isfile(os.path.join(prefix, rel)):
            sys.exit(f"FAIL: {rel} not installed under the prefix {prefix}")
    return prefix


def check_run_and_plot(prefix, work):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETSIM")}
    exe = os.path.join(prefix, "bin", "netsim")
    scenario = os.path.join(prefix, "share", "netsim", "scenarios", "lossy.json")
    r = run([exe, "run", scenario, "--plot", "--quiet"], cwd=work, env=env)
    if "plots: results/lossy/plots/" not in r.stdout or "trace-hash: " not in r.stdout:
        sys.exit(f"FAIL: unexpected output of the installed netsim:\n{r.stdout}")
    plots = os.path.join(work, "results", "lossy", "plots")
    for f in ("flow1.sender.cwnd.png", "flow1.sender.rtt.png", "flow1.sender.seq.png",
              "plot-all.gp", "gp/cwnd.gp"):
        if not os.path.isfile(os.path.join(plots, f)):
            sys.exit(f"FAIL: the installed netsim did not draw {f}")
    r = run([exe, "--version"], env=env)
    if not r.stdout.startswith("netsim "):
        sys.exit(f"FAIL: --version printed {r.stdout!r}")
    return os.path.join(work, "results", "lossy")


def check_redraw_copy(results, elsewhere):
    copy = os.path.join(elsewhere, "copied-results")
    shutil.copytree(results, copy)
    shutil.rmtree(results)  # nothing may point back at the original
    driver = open(os.path.join(copy, "plots", "plot-all.gp")).read()
    if "/" + os.path.basename(os.path.dirname(results)) + "/" in driver or "'/" in driver:
        sys.exit("FAIL: plot-all.gp names an absolute path:\n" + driver)
    png = os.path.join(copy, "plots", "flow1.sender.cwnd.png")
    os.unlink(png)
    run(["gnuplot", "plots/plot-all.gp"], cwd=copy, env={"PATH": os.environ["PATH"]})
    if not os.path.isfile(png) or os.path.getsize(png) < 1000:
        sys.exit("FAIL: gnuplot plots/plot-all.gp did not redraw the copied directory")


def complete(script, cwd, words):
    """The completions bash offers for the command line `words` (the last is the
    word being completed)."""
    line = " ".join(words)
    prog = (f"source {script}\n"
            f"COMP_WORDS=({line!s} ); COMP_CWORD={len(words) - 1}\n"
            f"_netsim\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    r = run(["bash", "--norc", "-c", prog], cwd=cwd)
    return sorted(x for x in r.stdout.split("\n") if x)


def check_completion(prefix, work):
    script = os.path.join(prefix, "share", "bash-completion", "completions", "netsim")
    os.makedirs(os.path.join(work, "scn"), exist_ok=True)
    open(os.path.join(work, "scn", "a.json"), "w").write("{}")
    open(os.path.join(work, "scn", "notes.txt"), "w").write("")
    cases = [
        (["netsim", "r"], ["run"]),
        (["netsim", "run", "--ma"], ["--max-memory"]),
        (["netsim", "run", "--format", ""], ["png", "svg"]),
        (["netsim", "plot", "--"], ["--format", "--help"]),
        (["netsim", "run", "scn/"], ["scn/a.json"]),
        (["netsim", "validate", "sc"], ["scn"]),
    ]
    for words, want in cases:
        got = complete(script, work, [w if w else "''" for w in words])
        if got != want:
            sys.exit(f"FAIL: completing {' '.join(words)!r} offered {got}, expected {want}")


def main():
    meson, build = sys.argv[1], sys.argv[2]
    if not shutil.which("gnuplot") or not shutil.which("bash"):
        print("gnuplot or bash missing: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "dest")
        run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", dest])
        prefix = check_layout(dest)
        moved = os.path.join(tmp, "moved", "opt", "netsim")
        shutil.move(prefix, moved)
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        results = check_run_and_plot(moved, work)
        check_redraw_copy(results, os.path.join(tmp, "colleague"))
        check_completion(moved, work)
    print("ok: installed, relocated, ran, plotted, redrawn from a copy, completed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
