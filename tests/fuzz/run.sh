#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 60) each: make fuzz [FUZZ_SECONDS=N].
# New inputs go to .output/fuzz/work/TARGET; a crash leaves its input in
# .output/fuzz/crashes/ and makes this script fail.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
dir=.output/fuzz
rm -rf "$dir/seeds"
"$dir/gen_corpus" "$dir/seeds" >/dev/null || exit 1
mkdir -p "$dir/crashes"
failed=0 passed=0
for f in "$dir"/fuzz_*; do
	name=${f##*/fuzz_}
	mkdir -p "$dir/work/$name"
	log=$dir/$name.log
	corpus=()
	for d in "tests/fuzz/corpus/$name" "$dir/seeds/$name"; do
		[ -d "$d" ] && corpus+=("$d")
	done
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" \
		"$dir/work/$name" "${corpus[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	if [ $rc = 0 ]; then
		echo "PASS: fuzz $name: ${runs:-?} runs in ${secs}s, $cov, no crash"
		passed=$((passed + 1))
	else
		echo "FAIL: fuzz $name (status $rc): $(grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -3)"
		ls "$dir/crashes/$name-"* 2>/dev/null | sed 's/^/  input: /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
