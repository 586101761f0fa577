#!/usr/bin/env bash
# Run the unit tests (no root needed) and the end-to-end tests (root), count
# PASS/FAIL/SKIP lines, end with "N passed, N failed, N skipped".
#   tests/run.sh            everything
#   tests/run.sh unit|e2e   one part
#   tests/run.sh e2e signal only the e2e scripts whose name contains "signal"
#   tests/run.sh e2e sem,pipe  ... one of these (a comma-separated list)
# OUTPUT (build directory), IPCSNOOP and DEMOS select another build (make test SANITIZE=1).
set -u
cd "$(dirname "$0")/.."
part=${1:-all}
pattern=${2:-}
out=tests/out
mkdir -p "$out"
passed=0 failed=0 skipped=0

# wanted NAME: NAME contains one of the comma-separated $pattern (or there is none)
wanted() {
	local p
	[ -n "$pattern" ] || return 0
	for p in ${pattern//,/ }; do
		case "$1" in *"$p"*) return 0 ;; esac
	done
	return 1
}

tally() {   # $1 = name, $2 = log file, $3 = exit status
	local p f s
	p=$(grep -c '^PASS' "$2")
	f=$(grep -c '^FAIL' "$2")
	s=$(grep -c '^SKIP' "$2")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $1 exited with status $3 (see $2)"
		f=1
	fi
	grep -E '^(FAIL|SKIP)' "$2" | sed "s|^|  [$1] |"
	printf '%-28s %3d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

if [ "$part" = all ] || [ "$part" = unit ]; then
	for t in "${OUTPUT:-.output}"/unit/test_*; do
		[ -x "$t" ] || continue
		name=unit/$(basename "$t")
		wanted "$name" || continue
		log="$out/$(basename "$t").log"
		timeout 120 "$t" >"$log" 2>&1
		tally "$name" "$log" $?
	done
fi

if [ "$part" = all ] || [ "$part" = e2e ]; then
	for t in tests/e2e/test_*.sh; do
		name=e2e/$(basename "$t" .sh)
		wanted "$name" || continue
		log="$out/$(basename "$t" .sh).log"
		if [[ " ${TESTS_SKIP:-} " == *" $(basename "$t" .sh | sed 's/^test_//') "* ]]; then
			echo "SKIP: $name: left out here (${TESTS_SKIP_WHY:-TESTS_SKIP})" >"$log"
			tally "$name" "$log" 0
			continue
		fi
		timeout 600 bash "$t" >"$log" 2>&1
		tally "$name" "$log" $?
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
