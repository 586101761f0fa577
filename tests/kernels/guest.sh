# shellcheck shell=bash
# The test guests' shared code, sourced by tests/kernels/run.sh (the e2e
# matrix) and tests/kernels/bench.sh (the benchmark inside the guests), from
# the top of the source tree:
#   guest_setup              checks, settings, the initramfs ($initrd)
#   guest_boot KERNEL LOG ARGS...   boot KERNEL, kernel command line += ARGS
#   guest_matrix FN SERIES...       FN KERNEL BACKEND per kernel and backend,
#                                   side by side; their outputs in order
# Settings (environment): GUEST_TIMEOUT, GUEST_MEM, GUEST_SMP, GUEST_JOBS,
# BACKENDS (see run.sh).
cache=.output/kernels
logs=tests/out/kernels
timeout=${GUEST_TIMEOUT:-1500}   # seconds per kernel, boot included
mem=${GUEST_MEM:-1G}
smp=${GUEST_SMP:-1}              # 2 vCPUs: a 6.12 guest once hit Oops int3 at a
                                 # tracepoint being patched (TCG and text_poke)
jobs=${GUEST_JOBS:-$(nproc)}     # guests booted side by side
backends=${BACKENDS:-"tracepoint fentry kprobe"}   # --backend of each run
initrd=$cache/initramfs.cpio

guest_setup() {
	local f
	mkdir -p "$cache" "$logs"
	for f in .output/static/ipcsnoop /bin/busybox; do
		[ -x "$f" ] || { echo "ipcsnoop: $f is missing (run make test-kernels)" >&2; return 1; }
	done
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "ipcsnoop: qemu-system-x86_64 is missing (run make test-kernels)" >&2; return 1; }
	tests/kernels/initramfs.sh "$initrd"
}

# guest_boot KERNEL LOG ARGS...: boot KERNEL from $initrd with ARGS on the
# kernel command line, its console into LOG; status: qemu's (124/137: timeout).
# no_timer_check: under a loaded host TCG's timer can miss the boot's IO-APIC
# timer check ("IO-APIC + timer doesn't work!" panic, seen once)
guest_boot() {
	local kernel=$1 log=$2
	shift 2
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -smp "$smp" -m "$mem" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 no_timer_check $*" \
		-display none -monitor none -serial stdio -no-reboot \
		</dev/null >"$log" 2>&1
}

# guest_matrix FN SERIES...: FN KERNEL BACKEND for every series and backend,
# $jobs at a time (one vCPU each), each into its own file; prints each
# output in order once all are done, then "== TITLE" ($matrix_title) and the
# last line of each. Status 1 if an FN failed or a kernel could not be fetched.
guest_matrix() {
	local fn=$1 n=0 i series kernel backend failed=0 summary=()
	shift
	out=$(mktemp -d "${TMPDIR:-/tmp}/ipcsnoop-matrix.XXXXXX")
	trap 'rm -rf "$out"' EXIT
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
			{ "$fn" "$kernel" "$backend" >"$out/$n" 2>&1; echo $? >"$out/$n.rc"; } &
		done
	done
	wait
	for i in $(seq 1 "$n"); do
		cat "$out/$i"
		summary+=("$(tail -n 1 "$out/$i")")
		[ "$(cat "$out/$i.rc" 2>/dev/null)" = 0 ] || failed=1
	done
	rm -rf "$out"
	echo "== ${matrix_title:-kernel matrix}"
	printf '%s\n' "${summary[@]}"
	return "$failed"
}
