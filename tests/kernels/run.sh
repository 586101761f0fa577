#!/usr/bin/env bash
# The kernel matrix: boot each of Debian's cloud kernels SERIES... (default
# 6.1 6.12) under QEMU (TCG) from an initramfs holding the static ipcsnoop,
# the demos and tests/, run the end-to-end suite there and print, per kernel
# and backend, the guest's "N passed, N failed, N skipped". Exits non-zero if
# any kernel failed a test, crashed, timed out or could not be booted.
#   tests/kernels/run.sh [SERIES...]
#   TEST_PATTERN=signal,pipe tests/kernels/run.sh 6.1   a subset of the e2e scripts
# Needs: make static; qemu-system-x86, busybox-static, cpio (make test-kernels).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/kernels/guest.sh   # guest_setup, guest_boot, guest_matrix; the settings
[ $# -gt 0 ] || set -- 6.1 6.12
guest_setup || exit 1

# run_guest KERNEL BACKEND: boot one guest, print its FAIL/SKIP lines and
# kernel warnings, and as the last line its result; status 1 if it failed
run_guest() {
	local kernel=$1 backend=$2 release log start qrc secs boot result
	release=${kernel##*/vmlinuz-}
	log=$logs/$release-$backend.log
	echo "== linux $release, backend $backend (log: $log)"
	start=$EPOCHREALTIME
	guest_boot "$kernel" "$log" "ipcsnoop.backend=$backend ipcsnoop.part=e2e" \
		"ipcsnoop.pattern=${TEST_PATTERN:-} ipcsnoop.skip=${GUEST_SKIP-faults,untrusted,cli}"
	qrc=$?
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	boot=$(sed -n 's/.*@@ipcsnoop-guest: kernel .* up \([0-9.]*\) s.*/\1/p' "$log" | head -n 1)
	result=$(sed -n 's/.*@@ipcsnoop-guest: result \(.*\)/\1/p' "$log" | tr -d '\r' | tail -n 1)
	grep -a '^  \[' "$log" | tr -d '\r'   # run.sh's FAIL/SKIP lines
	grep -a '@@ipcsnoop-guest: dmesg' "$log" | tr -d '\r' | sed 's/^@@ipcsnoop-guest: /  kernel warning: /'
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		result="TIMEOUT after ${timeout}s"
	elif grep -aq 'Kernel panic' "$log"; then
		result="KERNEL PANIC ($(grep -a -m 1 -E 'Kernel panic|BUG:|Oops' "$log" | tr -d '\r'))"
	elif [ -z "$result" ]; then
		result="NO RESULT (qemu status $qrc): $(grep -a '@@ipcsnoop-guest' "$log" | tail -n 1 | tr -d '\r')"
	fi
	local bad=0
	case "$result" in
	"0 passed"*) bad=1 ;;   # ran nothing: not a pass
	*" 0 failed"*) ;;
	*) bad=1; tail -n 20 "$log" | tr -d '\r' | sed 's/^/  | /' ;;
	esac
	printf '%-34s %-10s %s  (boot %ss, total %ss)\n' "linux $release" "$backend" "$result" "${boot:-?}" "$secs"
	return "$bad"
}

guest_matrix run_guest "$@"
