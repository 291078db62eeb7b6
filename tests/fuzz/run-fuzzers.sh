#!/usr/bin/env bash
# tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS [JOBS [HARNESS...]]
#
# Runs the libFuzzer fuzzers of BUILD_DIR (configured with -Dfuzz=enabled, normally
# with ASan+UBSan) for SECONDS each, JOBS at a time (default 1), every harness or
# only those named. Each starts from its committed corpus, tests/fuzz/corpus/NAME,
# which it only reads: new inputs go to a scratch folder, BUILD_DIR/fuzz-work/NAME
# (FUZZ_WORK overrides the folder; keep it to resume a long campaign).
#
# Any crash, leak, timeout (10 s per input), out-of-memory (2 GiB) or sanitizer
# report fails the script (exit 1). The reproducer is kept in
# BUILD_DIR/fuzz-artifacts/ and printed into the log in base64 with the report, so
# a CI log alone is enough to reproduce: decode it into a file and run
# `BUILD/tests/fuzz/replay_NAME FILE` (any build) or `fuzz_NAME FILE`.
#
# At the end, one line per harness: executions, executions per second, coverage
# (libFuzzer's cov: edges, ft: features) and corpus size.
#
# SECONDS may be `ci`: what .ci/run runs, reproducible. Each harness then starts from
# a fixed seed (-seed=1) and stops after a fixed number of executions (the table
# below: what the CI machine does in about 60 s) or at 90 s, whichever comes first.
# libFuzzer with one seed, one process and the same corpus mutates the same way, so a
# CI run is always a prefix of one sequence of inputs, which anyone can replay in
# full (FUZZ_MAX_TIME=0 lifts the 90 s): CI fails only on a defect this sequence
# reaches, never on the luck of the draw. Open-ended search is for campaigns
# (SECONDS a number: a random seed each run, FUZZ_SEED=N to fix one).
set -uo pipefail

if [ $# -lt 2 ]; then
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
build=$(cd "$1" && pwd)
secs=$2
seed=${FUZZ_SEED:-}
if [ "$secs" = ci ]; then
	seed=${FUZZ_SEED:-1}
	secs=${FUZZ_MAX_TIME:-90}
	ci=1
else
	ci=0
fi
case $secs in '' | *[!0-9]*)
	echo "run-fuzzers: SECONDS must be a number of seconds or 'ci', got '$secs'" >&2
	exit 2 ;;
esac
jobs=${3:-1}
shift $(($# < 3 ? $# : 3))
src=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}
art=$build/fuzz-artifacts
logs=$build/fuzz-logs
mkdir -p "$work" "$art" "$logs"

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for exe in "$build"/tests/fuzz/fuzz_*; do
		[ -f "$exe" ] && [ -x "$exe" ] && names+=("$(basename "$exe" | sed 's/^fuzz_//')")
	done
fi
if [ ${#names[@]} -eq 0 ]; then
	echo "run-fuzzers: no fuzz_* programs in $build/tests/fuzz (configure with -Dfuzz=enabled)" >&2
	exit 2
fi

# Leaks and undefined behaviour are crashes too.
export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${FUZZ_UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_one() {
	local name=$1
	mkdir -p "$work/$name"
	local seeds=()
	[ -d "$src/corpus/$name" ] && seeds+=("$src/corpus/$name")
	[ -d "$src/regress/$name" ] && seeds+=("$src/regress/$name")
	# Scenarios and packetdrill scripts need no more than 16 KiB (the largest shipped
	# ones are 5 and 12 KiB) and are slower to mutate and check the bigger they get, a
	# Python block no more than 4 KiB; packets and streams may need 64 KiB.
	local max_len=65536
	case $name in scenario* | drill) max_len=16384 ;; drill_py) max_len=4096 ;; esac
	# Text formats have a dictionary of their words (dict/NAME.dict).
	local dict=()
	[ -f "$src/dict/$name.dict" ] && dict=(-dict="$src/dict/$name.dict")
	local bound=(-max_total_time="$secs")
	[ -n "$seed" ] && bound+=(-seed="$seed")
	if [ "$ci" = 1 ]; then
		# Executions per harness: 60 s at the rates the CI machine reached (ASan+UBSan).
		local runs
		case $name in
		drill) runs=100000 ;;
		drill_py) runs=1300000 ;;
		http) runs=470000 ;;
		ipv4_host | ipv4_router) runs=47000 ;;
		scenario) runs=100000 ;;
		scenario_run) runs=20000 ;;
		tcp) runs=190000 ;;
		*) runs=50000 ;;
		esac
		bound+=(-runs="$runs")
		# The corpus libFuzzer grows is part of the sequence: start from the committed one.
		rm -rf "${work:?}/$name"
		mkdir -p "$work/$name"
	fi
	"$build/tests/fuzz/fuzz_$name" "${bound[@]}" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$max_len" -print_final_stats=1 -artifact_prefix="$art/$name-" \
		"${dict[@]}" "$work/$name" "${seeds[@]}" >"$logs/$name.log" 2>&1
	echo $? >"$logs/$name.status"
}

running=0
for name in "${names[@]}"; do
	run_one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
printf '%-12s %12s %9s %8s %8s %8s\n' harness execs exec/s cov ft corpus
for name in "${names[@]}"; do
	log=$logs/$name.log
	status=$(cat "$logs/$name.status" 2>/dev/null || echo 1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
	rate=$(echo "$done_line" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')
	cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	printf '%-12s %12s %9s %8s %8s %8s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
		"${ft:-?}" "${corp:-?}"
	if [ "$status" != 0 ]; then
		failed=1
		echo "=== $name FAILED (exit $status); the end of its log:"
		tail -n 80 "$log"
		for f in "$art/$name-"*; do
			[ -f "$f" ] || continue
			echo "=== reproducer $(basename "$f") ($(stat -c %s "$f") bytes), base64:"
			base64 -w 76 "$f"
		done
	fi
done
exit $failed
