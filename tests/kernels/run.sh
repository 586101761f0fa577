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
cache=.output/kernels
logs=tests/out/kernels
timeout=${GUEST_TIMEOUT:-1500}   # seconds per kernel, boot included
mem=${GUEST_MEM:-1G}
smp=${GUEST_SMP:-1}              # 2 vCPUs: a 6.12 guest once hit Oops int3 at a
                                 # tracepoint being patched (TCG and text_poke)
jobs=${GUEST_JOBS:-$(nproc)}     # guests booted side by side
backends=${BACKENDS:-"tracepoint fentry kprobe"}   # --backend of each run
[ $# -gt 0 ] || set -- 6.1 6.12
mkdir -p "$cache" "$logs"

for f in .output/static/ipcsnoop /bin/busybox; do
	[ -x "$f" ] || { echo "ipcsnoop: $f is missing (run make test-kernels)" >&2; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "ipcsnoop: qemu-system-x86_64 is missing (run make test-kernels)" >&2; exit 1; }

initrd=$cache/initramfs.cpio
tests/kernels/initramfs.sh "$initrd" || exit 1

# run_guest KERNEL BACKEND: boot one guest, print its FAIL/SKIP lines and
# kernel warnings, and as the last line its result; status 1 if it failed
run_guest() {
	local kernel=$1 backend=$2 release log start qrc secs boot result
	release=${kernel##*/vmlinuz-}
	log=$logs/$release-$backend.log
	echo "== linux $release, backend $backend (log: $log)"
	start=$EPOCHREALTIME
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -smp "$smp" -m "$mem" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 ipcsnoop.backend=$backend ipcsnoop.part=e2e ipcsnoop.pattern=${TEST_PATTERN:-} ipcsnoop.skip=${GUEST_SKIP-faults,untrusted,cli}" \
		-display none -monitor none -serial stdio -no-reboot \
		</dev/null >"$log" 2>&1
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

# Guests run side by side, $jobs at a time (one vCPU each), each into its own
# file; their reports print in order once all are done.
out=$(mktemp -d "${TMPDIR:-/tmp}/ipcsnoop-matrix.XXXXXX")
trap 'rm -rf "$out"' EXIT
n=0
for series in "$@"; do
	if ! kernel=$(tests/kernels/fetch.sh "$series" "$cache"); then
		n=$((n + 1))
		printf '%-34s %-10s could not fetch the kernel\n' "linux $series" - >"$out/$n"
		echo 1 >"$out/$n.rc"
		continue
	fi
	for backend in $backends; do
		n=$((n + 1))
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
		{ run_guest "$kernel" "$backend" >"$out/$n" 2>&1; echo $? >"$out/$n.rc"; } &
	done
done
wait

failed=0
summary=()
for i in $(seq 1 "$n"); do
	cat "$out/$i"
	summary+=("$(tail -n 1 "$out/$i")")
	[ "$(cat "$out/$i.rc" 2>/dev/null)" = 0 ] || failed=1
done
echo "== kernel matrix"
printf '%s\n' "${summary[@]}"
exit "$failed"
