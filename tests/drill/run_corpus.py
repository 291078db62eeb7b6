#!/usr/bin/env python3
"""tests/drill/run_corpus.py NETSIM CORPUS EXPECTED [--update]

The packetdrill corpus (Google's TCP scripts with Linux 6.18's verdict for each, in
CORPUS/linux-verdicts.tsv; not part of the repository) against netsim's linux profile.
Every script Linux passes (verdict pass or flaky) runs once; the outcome is compared
with EXPECTED (tests/drill/linux-corpus.expected): one line per script,
`SCRIPT<TAB>pass` or `SCRIPT<TAB>fail|skip<TAB>reason`.

The test fails when a script expected to pass does not. A script that now passes
although a failure was expected, or fails for another reason, is reported (update
EXPECTED with --update). Without the corpus the test is skipped (exit 77). The
environment variable NETSIM_PACKETDRILL_DIR overrides CORPUS.
"""
import os
import re
import subprocess
import sys

RESULT = re.compile(r"^(ok|FAIL|skip) (\S+?)(?::(\d+): (.*?))?(?: \(at [0-9.]+ s\))?$")


def targets(corpus):
    out = []
    with open(os.path.join(corpus, "linux-verdicts.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[1] in ("pass", "flaky"):
                out.append(cols[0])
    return out


def short(msg):
    """A failure on TCP options names its cause only (not the packets)."""
    m = re.search(r"\((TCP options: [^)]*)\)$", msg)
    return m.group(1) if m else msg


def run(netsim, corpus, scripts):
    r = subprocess.run([netsim, "drill", "--profile", "linux"] + scripts, cwd=corpus,
                       capture_output=True, text=True, check=False)
    if r.returncode == 2:
        sys.exit(f"netsim drill could not parse the corpus:\n{r.stderr}")
    got = {}
    for line in r.stdout.splitlines():
        m = RESULT.match(line)
        if m:
            verdict = {"ok": "pass", "FAIL": "fail", "skip": "skip"}[m.group(1)]
            reason = f"line {m.group(3)}: {short(m.group(4))}" if m.group(3) else ""
            got[m.group(2)] = (verdict, reason)
    missing = [s for s in scripts if s not in got]
    if missing:
        sys.exit(f"no result for {', '.join(missing)}:\n{r.stdout}{r.stderr}")
    return got


def read_expected(path):
    exp = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            exp[cols[0]] = (cols[1], cols[2] if len(cols) > 2 else "")
    return exp


def write_expected(path, got):
    npass = sum(1 for v, _ in got.values() if v == "pass")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# netsim drill --profile linux over the packetdrill scripts Linux 6.18 passes\n")
        f.write("# (pass or flaky in linux-verdicts.tsv); tests/drill/run_corpus.py --update\n")
        f.write(f"# writes it. {npass} of {len(got)} pass.\n")
        for s in sorted(got):
            v, why = got[s]
            f.write(f"{s}\t{v}" + (f"\t{why}" if why else "") + "\n")


def main():
    netsim, corpus, expected = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    corpus = os.environ.get("NETSIM_PACKETDRILL_DIR") or corpus
    if not os.path.isfile(os.path.join(corpus, "linux-verdicts.tsv")):
        print(f"SKIP: no packetdrill corpus at {corpus} (set NETSIM_PACKETDRILL_DIR or "
              "-Dpacketdrill_dir)")
        return 77
    scripts = targets(corpus)
    got = run(netsim, corpus, scripts)
    npass = sum(1 for v, _ in got.values() if v == "pass")
    print(f"{npass} of {len(scripts)} scripts Linux passes pass under netsim's linux profile")
    if "--update" in sys.argv:
        write_expected(expected, got)
        print(f"{expected} written")
        return 0
    exp = read_expected(expected)
    regressions = [s for s in scripts if exp.get(s, ("", ""))[0] == "pass" and got[s][0] != "pass"]
    for s in regressions:
        print(f"REGRESSION {s}: expected to pass, now {got[s][0]}: {got[s][1]}")
    for s in scripts:
        if s not in exp:
            print(f"NEW {s}: {got[s][0]} {got[s][1]} (not in {expected})")
        elif exp[s][0] != "pass" and got[s][0] == "pass":
            print(f"NEWLY PASSING {s} (was {exp[s][0]}: {exp[s][1]}); update {expected}")
        elif exp[s] != got[s] and s not in regressions:
            print(f"CHANGED {s}: now {got[s][0]}: {got[s][1]}\n    was {exp[s][0]}: {exp[s][1]}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
