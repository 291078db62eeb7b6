#!/usr/bin/env python3
"""tests/install/check_readme.py — the README's two commands, exactly as written.

The README gives exactly two commands: one installs the dependencies, builds and runs
`build/netsim run scenarios/lossy.json`; the other runs the tests, and .ci/run runs that
same command. The first must work on a fresh Debian 12 both for root in a container
without sudo (where `sudo ...` fails with "command not found") and for a user with
sudo. This runs it verbatim with bash in a sandbox whose PATH holds only stand-ins for
apt-get, meson and (in the second case) sudo, which log how they were called, and
checks what ran, in which order, and through sudo or not.

Usage: check_readme.py SOURCE_ROOT
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

APT_PACKAGES = ["build-essential", "meson", "ninja-build", "pkg-config", "libglib2.0-dev",
                "libcjson-dev", "gnuplot-nox", "tshark"]


def readme_commands(root):
    text = open(os.path.join(root, "README.md")).read()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    if len(blocks) != 2:
        sys.exit(f"FAIL: README.md has {len(blocks)} sh blocks, expected exactly two commands")
    cmds = [b.strip() for b in blocks]
    for c in cmds:
        if "\n" in c:
            sys.exit(f"FAIL: a README command spans several lines:\n{c}")
    return cmds


def stub(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def sandbox(tmp, with_sudo):
    """A PATH directory with logging stand-ins; returns (bin dir, log file)."""
    b = os.path.join(tmp, "bin")
    os.makedirs(b)
    log = os.path.join(tmp, "log")
    stub(os.path.join(b, "apt-get"), f'echo "apt-get $*" >> {log}\n')
    # meson: `setup build` makes the directory, `compile -C build` the program.
    stub(os.path.join(b, "meson"),
         f'echo "meson $*" >> {log}\n'
         'case "$1" in setup) mkdir -p "$2";;\n'
         f'  compile) printf \'#!/bin/sh\\necho "netsim $*" >> {log}\\n\' > "$3/netsim";'
         ' chmod +x "$3/netsim";;\nesac\n')
    for tool in ("env", "mkdir", "chmod"):
        os.symlink(shutil.which(tool), os.path.join(b, tool))
    if with_sudo:
        stub(os.path.join(b, "sudo"), f'echo "sudo $1" >> {log}\nexec "$@"\n')
    return b, log


def run_first(cmd, with_sudo):
    with tempfile.TemporaryDirectory() as tmp:
        b, log = sandbox(tmp, with_sudo)
        work = os.path.join(tmp, "clone")
        os.makedirs(work)
        env = {"PATH": b, "HOME": tmp}
        r = subprocess.run(["/bin/bash", "-c", cmd], cwd=work, env=env, capture_output=True,
                           text=True)
        lines = open(log).read().splitlines() if os.path.exists(log) else []
        who = "a user with sudo" if with_sudo else "root without sudo"
        if r.returncode != 0:
            sys.exit(f"FAIL: the README's first command fails for {who} "
                     f"(exit {r.returncode}):\n{r.stderr}\nran: {lines}")
        sudo = ["sudo apt-get", "sudo env"] if with_sudo else []
        want_apt = [l for l in lines if l.startswith("apt-get")]
        if len(want_apt) != 2 or want_apt[0] != "apt-get update" or \
                not want_apt[1].startswith("apt-get install -y "):
            sys.exit(f"FAIL ({who}): apt-get was not run as update, then install: {lines}")
        missing = [p for p in APT_PACKAGES if p not in want_apt[1].split()]
        if missing:
            sys.exit(f"FAIL ({who}): the install command does not install {missing}")
        if [l for l in lines if l.startswith("sudo")] != sudo:
            sys.exit(f"FAIL ({who}): expected sudo calls {sudo}, got {lines}")
        tail = [l for l in lines if not l.startswith(("apt-get", "sudo"))]
        if tail != ["meson setup build", "meson compile -C build",
                    "netsim run scenarios/lossy.json"]:
            sys.exit(f"FAIL ({who}): expected to build and run lossy.json, ran {tail}")


def main():
    root = sys.argv[1]
    install, test = readme_commands(root)
    if not install.endswith("build/netsim run scenarios/lossy.json"):
        sys.exit("FAIL: the README's first command does not end by running lossy.json")
    if test != "meson test -C build":
        sys.exit(f"FAIL: the README's test command is {test!r}")
    ci = open(os.path.join(root, ".ci", "run")).read().splitlines()
    if test not in [l.strip() for l in ci]:
        sys.exit(f"FAIL: .ci/run does not run the README's test command {test!r}")
    run_first(install, with_sudo=False)
    run_first(install, with_sudo=True)
    print("ok: README's commands work as root without sudo and as a user with sudo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
