#!/usr/bin/env python3
"""tests/drill/run_scripts.py NETSIM DIR: the drill suite's own scripts.

Every DIR/*.pkt names the profiles it is written for in its header comment,
`// profile: linux rfc.` (or one of them). Each profile's scripts run in one
`netsim drill --profile P` and must all pass: a failure or a skip fails the test.
"""
import pathlib
import re
import subprocess
import sys


def profiles_of(path):
    for line in path.read_text().splitlines():
        if not line.startswith("//"):
            break
        m = re.search(r"profile:\s*([a-z ]+)\.", line)
        if m:
            return m.group(1).split()
    return None


def main():
    netsim, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    by_profile = {"linux": [], "rfc": []}
    bad = False
    for p in sorted(folder.glob("*.pkt")):
        profs = profiles_of(p)
        if not profs or any(x not in by_profile for x in profs):
            print(f"{p}: no '// profile: linux|rfc.' line in the header comment")
            bad = True
            continue
        for x in profs:
            by_profile[x].append(str(p))
    for prof, scripts in by_profile.items():
        if not scripts:
            continue
        r = subprocess.run([netsim, "drill", "--profile", prof] + scripts,
                           capture_output=True, text=True, check=False)
        lines = r.stdout.splitlines()
        wrong = [ln for ln in lines[:-1] if not ln.startswith("ok ")]
        print(f"{prof}: {lines[-1] if lines else '(no output)'}")
        if r.returncode != 0 or wrong or len(lines) != len(scripts) + 1:
            bad = True
            for ln in wrong:
                print(f"  {ln}")
            if r.stderr:
                print(r.stderr.rstrip())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
