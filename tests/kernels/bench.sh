#!/usr/bin/env bash
# The benchmark inside the test guests (the second half of `make bench`;
# `make bench-kernels` alone): boot each kernel of SERIES... (default 6.1
# 6.12) once per backend (BACKENDS, default "tracepoint fentry kprobe") with
# ipcsnoop.part=bench, which runs tests/bench/guest.sh there: a few workloads
# untraced, under the floor (tests/bench/mirror.c: empty programs wherever
# ipcsnoop attached its own, so the backend's own mechanism) and under
# ipcsnoop --backend B -j >/dev/null and -s, interleaved. Prints one table of
# ratios per kernel and backend (TCG distorts absolute times: no ns/op), and
# writes them as Markdown rows to tests/out/kernels/bench.md. Exits non-zero
# if a guest crashed, timed out or measured nothing.
#   tests/kernels/bench.sh [SERIES...]
# Settings: GUEST_BENCH_REPS (3), GUEST_BENCH_SCALE (1, multiplies the
# iteration counts), GUEST_BENCH_WORKLOADS ("pipe-pp unix-stream-pp msg-pp
# write-null"; any of .output/bench/workloads list), GUEST_BENCH_RUNS (2) and
# GUEST_BENCH_SETTLE (5; see tests/bench/guest.sh), and those of run.sh
# (GUEST_TIMEOUT, default 1200 here, GUEST_JOBS, GUEST_MEM, BACKENDS).
# Needs: make static; qemu-system-x86, busybox-static, cpio.
set -u
cd "$(dirname "$0")/../.." || exit 1
GUEST_TIMEOUT=${GUEST_TIMEOUT:-1200}
. tests/kernels/guest.sh
[ $# -gt 0 ] || set -- 6.1 6.12
for f in .output/static/bench/workloads .output/static/bench/mirror .output/bench/mirror.bpf.o; do
	[ -e "$f" ] || { echo "ipcsnoop: $f is missing (run make static)" >&2; exit 1; }
done
guest_setup || exit 1
reps=${GUEST_BENCH_REPS:-3}
scale=${GUEST_BENCH_SCALE:-1}
wls=${GUEST_BENCH_WORKLOADS:-pipe-pp unix-stream-pp msg-pp write-null}
md=$logs/bench.md

# bench_guest KERNEL BACKEND: boot one guest, print its table; the last line
# is its one-line result; status 1 if it crashed or measured nothing
# shellcheck disable=SC2317  # called by guest_matrix
bench_guest() {
	local kernel=$1 backend=$2 release log qrc start secs result runs try
	release=${kernel##*/vmlinuz-}
	log=$logs/bench-$release-$backend.log
	start=$EPOCHREALTIME
	for try in 1 2; do
		guest_boot "$kernel" "$log" "ipcsnoop.backend=$backend ipcsnoop.part=bench" \
			"ipcsnoop.bench=$reps,$scale,${wls// /+},${GUEST_BENCH_RUNS:-},${GUEST_BENCH_SETTLE:-}"
		qrc=$?
		grep -aq '@@ipcsnoop-guest: kernel' "$log" && break
		[ "$try" = 1 ] && echo "  the guest did not reach its init: booting it again" &&
			cp "$log" "$log.failed-boot"
	done
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	awk -v title="== linux $release, backend $backend (log: $log)" -f tests/bench/guest-report.awk "$log"
	awk -v markdown=1 -v kernel="${release%%-cloud*}" -v backend="$backend" \
		-f tests/bench/guest-report.awk "$log" >"$log.md"
	grep -a '@@ipcsnoop-guest: dmesg' "$log" | tr -d '\r' | sed 's/^@@ipcsnoop-guest: /  kernel warning: /'
	runs=$(grep -a '^@@bench run ' "$log" | tr -d '\r' | grep -vc ' NA$')
	result="$runs runs"
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		result="TIMEOUT after ${timeout}s ($runs runs)"
	elif grep -aq 'Kernel panic' "$log"; then
		result="KERNEL PANIC ($(grep -a -m 1 -E 'Kernel panic|BUG:|Oops' "$log" | tr -d '\r'))"
	elif ! grep -aq '@@bench end' "$log"; then
		result="NO END (qemu status $qrc, $runs runs): $(grep -a '@@' "$log" | tail -n 1 | tr -d '\r')"
	fi
	local bad=0
	case "$result" in
	"0 runs" | *[A-Z][A-Z]*) bad=1; tail -n 20 "$log" | tr -d '\r' | sed 's/^/  | /' ;;
	esac
	printf '%-34s %-10s bench: %s  (total %ss, host load %s)\n' "linux $release" "$backend" "$result" \
		"$secs" "$(cut -d' ' -f1-3 /proc/loadavg)"
	return "$bad"
}

echo "guest bench: $reps repetitions of $wls, scale $scale, backends $backends, $jobs guests at a time," \
	"host load average $(cut -d' ' -f1-3 /proc/loadavg)"
matrix_title="guest bench"
guest_matrix bench_guest "$@"
rc=$?
{
	echo "| kernel | backend | workload | floor / untraced | json / untraced | -s / untraced | json / floor | -s / floor | json / untraced, range |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
	for series in "$@"; do
		for backend in $backends; do
			# shellcheck disable=SC2086
			cat "$logs"/bench-${series}[.-]*-"$backend".log.md 2>/dev/null
		done
	done
} >"$md"
echo "(Markdown table: $md)"
exit "$rc"
