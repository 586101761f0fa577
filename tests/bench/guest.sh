#!/usr/bin/env bash
# The benchmark inside a test guest (ipcsnoop.part=bench, see
# tests/kernels/init and tests/kernels/bench.sh): a few workloads untraced,
# under the floor (empty programs on the same hooks) and under ipcsnoop --backend
# BACKEND streaming JSON to /dev/null and with -s, interleaved like
# tests/bench/bench.sh (each repetition runs every condition in turn, rotating
# order; a condition starts its tracer once and runs every workload). Prints
# one line per run on stdout, read by the host from the serial console:
#   @@bench run REP WORKLOAD COND NS_PER_OP
#   @@bench block REP COND RECORDS LOST      (ipcsnoop's totals at exit)
#   @@bench note TEXT
# Absolute times under TCG mean little: the host prints ratios.
#   tests/bench/guest.sh BACKEND
# Under TCG a guest's times include the host's stalls (other guests, other
# jobs): each workload runs GUEST_BENCH_RUNS times per condition and
# repetition and the shortest counts (a stall only adds time), and after a
# tracer stops the guest idles GUEST_BENCH_SETTLE seconds (the detach's
# deferred work would land in the next condition's time).
# Settings: GUEST_BENCH_REPS (3), GUEST_BENCH_RUNS (2), GUEST_BENCH_SETTLE (5),
# GUEST_BENCH_SCALE (1), GUEST_BENCH_WORKLOADS.
set -u
cd "$(dirname "$0")/../.." || exit 1
backend=${1:-tracepoint}
reps=${GUEST_BENCH_REPS:-3}
runs=${GUEST_BENCH_RUNS:-2}   # runs of a workload per condition and repetition
settle=${GUEST_BENCH_SETTLE:-5}   # seconds of quiet after a tracer stops
scale=${GUEST_BENCH_SCALE:-1}
IPCSNOOP=${IPCSNOOP:-./ipcsnoop}
BIN=.output/bench
WL=$BIN/workloads
TMP=$(mktemp -d /tmp/guest-bench.XXXXXX)
TRACER_PID=

# Iterations: about a second per run untraced under TCG (10-30x the host's time).
declare -A ITERS=(
	[pipe-pp]=3000 [unix-stream-pp]=2000 [unix-dgram-pp]=2000 [msg-pp]=2500
	[signal-pp]=1500 [pipe-bulk]=500 [unix-bulk]=500
	[write-null]=50000 [write-file]=20000
)
read -r -a WLS <<<"${GUEST_BENCH_WORKLOADS:-pipe-pp unix-stream-pp msg-pp write-null}"

note() { echo "@@bench note $*"; }

wait_for() {   # wait_for FILE REGEX PID: until FILE matches (0), PID dies or 300 s pass (1)
	local i
	for ((i = 0; i < 3000; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

stop_tracer() {   # SIGINT, then SIGKILL after 120 s
	local i
	[ -n "$TRACER_PID" ] || return 0
	kill -INT "$TRACER_PID" 2>/dev/null
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID" 2>/dev/null
	TRACER_PID=
}
trap 'stop_tracer; rm -rf "$TMP"' EXIT

declare -A MODE_ARGS=([json]="-j" [summary]="-s")
start_ipcsnoop() {   # start_ipcsnoop MODE ERR-FILE
	# shellcheck disable=SC2086
	"$IPCSNOOP" --backend "$backend" -v ${MODE_ARGS[$1]} >/dev/null 2>"$2" &
	TRACER_PID=$!
	wait_for "$2" '^ipcsnoop: tracing' "$TRACER_PID"
}

# The floor: tests/bench/mirror.c attaches programs that do nothing wherever
# ipcsnoop --backend BACKEND attached its own (tracepoints, raw tracepoints,
# and with fentry/kprobe the trampolines and kprobes on the same functions).
CONDS="untraced json summary"
calibrate_floor() {
	local m f
	for f in "$BIN/mirror" "$BIN/mirror.bpf.o"; do
		[ -e "$f" ] || { note "no floor: $f is not in the guest"; return; }
	done
	for m in json summary; do
		if ! start_ipcsnoop "$m" "$TMP/cal.err"; then
			note "no floor: ipcsnoop ${MODE_ARGS[$m]} did not start: $(head -c 200 "$TMP/cal.err" | tr '\n' ' ')"
			stop_tracer
			return
		fi
		"$BIN/mirror" list "$TRACER_PID" 2>"$TMP/mirror.err" | sort >"$TMP/floor-$m.list" ||
			{ note "no floor: mirror list failed: $(head -c 200 "$TMP/mirror.err" | tr '\n' ' ')"; stop_tracer; return; }
		stop_tracer
	done
	[ -s "$TMP/floor-json.list" ] || { note "no floor: ipcsnoop has no attachments to mirror"; return; }
	CONDS="untraced floor json summary"
	cmp -s "$TMP/floor-json.list" "$TMP/floor-summary.list" || CONDS="$CONDS floor-s"
	for m in json summary; do
		note "floor ${MODE_ARGS[$m]}: $(awk '{ n[$1]++ } END { for (t in n) printf "%s%d %s", (s++ ? ", " : ""), n[t], t }' "$TMP/floor-$m.list")"
	done
}

start_cond() {   # start_cond COND
	local f
	case $1 in
	untraced) return 0 ;;
	floor | floor-s)
		f=$TMP/floor-json.list
		[ "$1" = floor-s ] && f=$TMP/floor-summary.list
		"$BIN/mirror" attach "$BIN/mirror.bpf.o" <"$f" >"$TMP/floor.out" 2>"$TMP/floor.err" &
		TRACER_PID=$!
		wait_for "$TMP/floor.out" '^ready' "$TRACER_PID" ||
			{ note "$1 failed: $(head -c 200 "$TMP/floor.err" | tr '\n' ' ')"; stop_tracer; return 1; }
		;;
	*)
		start_ipcsnoop "$1" "$TMP/tracer.err" ||
			{ note "ipcsnoop ${MODE_ARGS[$1]} failed: $(head -c 300 "$TMP/tracer.err" | tr '\n' ' ')"; stop_tracer; return 1; }
		;;
	esac
}

block() {   # block REP COND WORKLOAD...
	local rep=$1 cond=$2 wl n i line ns records lost
	shift 2
	start_cond "$cond" || return
	for wl in "$@"; do
		n=$(awk -v n="${ITERS[$wl]}" -v s="$scale" 'BEGIN { n = int(n * s); print (n > 0 ? n : 1) }')
		ns=
		for ((i = 0; i < runs; i++)); do   # the shortest counts: a stall only adds time
			line=$("$WL" "$wl" "$n" "$TMP")
			ns=$(sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' <<<"$line" |
				awk -v m="$ns" '$1 != "" && (m == "" || $1 < m + 0) { m = $1 } END { print m }')
		done
		if [ -n "$TRACER_PID" ] && ! kill -0 "$TRACER_PID" 2>/dev/null; then
			note "the $cond tracer died during $wl: run not counted"
			ns=
		fi
		echo "@@bench run $rep $wl $cond ${ns:-NA}"
	done
	[ -n "$TRACER_PID" ] && sleep 0.5   # ipcsnoop polls every 100 ms
	if [ -n "$TRACER_PID" ]; then
		stop_tracer
		# what a detach leaves to the kernel (RCU callbacks, freeing
		# trampolines) runs on the one vCPU: not in the next condition's time
		sleep "$settle"
	fi
	case $cond in json | summary)
		records=$(sed -n 's/^ipcsnoop: \([0-9]*\) records.*/\1/p' "$TMP/tracer.err" | tail -1)
		lost=$(sed -n 's/.*lost \([0-9]*\) .* records: ring buffer full.*/\1/p' "$TMP/tracer.err" | awk '{ s += $1 } END { print s + 0 }')
		echo "@@bench block $rep $cond ${records:-NA} $lost"
		grep -E 'warning|error' "$TMP/tracer.err" | head -n 3 | sed 's/^/@@bench note   /'
		;;
	esac
}

for wl in "${WLS[@]}"; do
	[ -n "${ITERS[$wl]:-}" ] || { note "unknown workload $wl"; exit 1; }
done
[ -x "$WL" ] || { note "$WL is not in the guest"; exit 1; }
start=$SECONDS
calibrate_floor
sleep "$settle"
read -r -a CA <<<"$CONDS"
echo "@@bench start $(uname -r) backend=$backend reps=$reps runs=$runs settle=$settle scale=$scale conds=${CONDS// /,} workloads=$(IFS=,; echo "${WLS[*]}")"
# warm-up: every workload once, short, untraced
for wl in "${WLS[@]}"; do "$WL" "$wl" $(( ${ITERS[$wl]} / 10 + 1 )) "$TMP" >/dev/null; done
nc=${#CA[@]}
nw=${#WLS[@]}
for ((rep = 1; rep <= reps; rep++)); do
	order=()
	for ((w = 0; w < nw; w++)); do order+=("${WLS[$(( (w + rep) % nw ))]}"); done
	for ((k = 0; k < nc; k++)); do
		block "$rep" "${CA[$(( (k + rep) % nc ))]}" "${order[@]}"
	done
	note "repetition $rep done ($((SECONDS - start)) s)"
done
echo "@@bench end $((SECONDS - start)) s"
