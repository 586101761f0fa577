#!/usr/bin/env bash
# ipcsnoop's benchmark (`make bench`, as root): every workload under every
# condition, interleaved so that machine drift hits all conditions alike:
# repetition after repetition, each condition in turn (rotating order) starts
# its tracer once and runs every workload (rotating order) under it. Detaching
# tracepoint programs waits for RCU grace periods (seconds with many
# programs), hence one tracer per condition and repetition, not per run.
# Then one pass with the kernel's BPF statistics on (kept out of the timings:
# they cost two clock reads per program run): run time per call of every
# program, and for ipcsnoop a fresh instance per workload, whose record count
# at exit gives events/s and CPU per event. Prints medians and the budget
# (PASS/MISS) and exits 0: a measurement, not a test.
# Raw data: $BENCH_OUT/runs.tsv, progs.tsv, blocks.tsv; report.txt.
#
# Settings (environment or make variables):
#   BENCH_REPS=5         repetitions (medians are taken over them)
#   BENCH_SCALE=1        multiplies every iteration count (0.2: a quick look)
#   BENCH_WORKLOADS=...  space-separated subset of: .output/bench/workloads list
#   BENCH_CONDS=...      subset of: untraced floor json summary filtered bpftrace strace
#   BENCH_STATS=1        0 skips the BPF statistics pass; 2: -s and -p afresh per workload too
#   BENCH_LONG=1         instead: the memory check over BENCH_EVENTS (default 10000000)
#   BENCH_OUT=tests/out/bench   IPCSNOOP=./ipcsnoop
set -u
cd "$(dirname "$0")/../.." || exit 1
BENCH_REPS=${BENCH_REPS:-5}
BENCH_SCALE=${BENCH_SCALE:-1}
BENCH_STATS=${BENCH_STATS:-1}
BENCH_LONG=${BENCH_LONG:-0}
BENCH_EVENTS=${BENCH_EVENTS:-10000000}
BENCH_OUT=${BENCH_OUT:-tests/out/bench}
IPCSNOOP=${IPCSNOOP:-./ipcsnoop}
BIN=.output/bench
WL=$BIN/workloads
FLOOR=$BIN/floor
FLOOR_OBJ=$BIN/floor.bpf.o

# Iterations per workload (~0.2-0.4 s untraced on a 2-core VM); strace runs a tenth.
declare -A ITERS=(
	[pipe-pp]=30000 [unix-stream-pp]=20000 [unix-dgram-pp]=20000 [msg-pp]=25000
	[signal-pp]=15000 [pipe-bulk]=5000 [unix-bulk]=5000
	[write-null]=500000 [write-file]=200000
)
PINGPONG="pipe-pp unix-stream-pp unix-dgram-pp msg-pp signal-pp"
NONIPC="write-null write-file"
ALL_CONDS="untraced floor json summary filtered bpftrace strace"
STRACE_DIV=10

note() { echo "bench: $*" >&2; }
die() { note "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (BPF programs, sysctl kernel.bpf_stats_enabled)"
for f in "$IPCSNOOP" "$WL" "$FLOOR" "$FLOOR_OBJ"; do
	[ -e "$f" ] || die "$f is missing (run: make bench)"
done
for t in bpftool jq; do
	command -v "$t" >/dev/null || die "$t is missing (run: make deps)"
done
mkdir -p "$BENCH_OUT/tmp" || die "cannot create $BENCH_OUT"
TMP=$BENCH_OUT/tmp
# The floor's classic tracepoints and the bpftrace peer find tracepoints in
# tracefs; ipcsnoop mounts it in its own mount namespace, they do not.
TRACEFS=/sys/kernel/tracing
TRACEFS_OURS=
if [ ! -d "$TRACEFS/events" ]; then
	mount -t tracefs nodev "$TRACEFS" ||
		die "tracefs is not mounted at $TRACEFS and could not be mounted (try: mount -t tracefs nodev $TRACEFS)"
	TRACEFS_OURS=1
fi
RUNS=$BENCH_OUT/runs.tsv
PROGS=$BENCH_OUT/progs.tsv
BLOCKS=$BENCH_OUT/blocks.tsv

# --- cleanup: the stats sysctl goes back to what it was, our processes go away
STATS_SYSCTL=/proc/sys/kernel/bpf_stats_enabled
STATS_ORIG=$(cat "$STATS_SYSCTL" 2>/dev/null || echo 0)
TRACER_PID=
SLEEPER_PID=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	echo "$STATS_ORIG" >"$STATS_SYSCTL" 2>/dev/null
	[ -n "$TRACER_PID" ] && kill -KILL "$TRACER_PID" 2>/dev/null
	[ -n "$SLEEPER_PID" ] && kill -KILL "$SLEEPER_PID" 2>/dev/null
	rm -rf "$TMP"
	if [ -n "$TRACEFS_OURS" ]; then umount "$TRACEFS" 2>/dev/null; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- processes
wait_for() {   # wait_for FILE REGEX PID: until FILE matches (0), PID dies or 60 s pass (1)
	local i
	for ((i = 0; i < 1200; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_tracer() {   # SIGINT, then SIGKILL after 60 s
	local i
	[ -n "$TRACER_PID" ] || return 0
	kill -INT "$TRACER_PID" 2>/dev/null
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID" 2>/dev/null
	TRACER_PID=
}

alive() {   # running, not a zombie (an exited child stays one until waited for)
	local state _
	read -r _ _ state _ 2>/dev/null <"/proc/$1/stat" || return 1
	[ "$state" != Z ]
}

cpu_ns() { awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null || echo 0; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- BPF programs and maps of a process (from /proc/PID/fdinfo)
fd_ids() {   # fd_ids PID prog|map: ids of the programs or maps it holds
	grep -h "^$2_id:" /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}

json_ids() { fd_ids "$1" "$2" | paste -sd, - | sed 's/^/[/; s/$/]/'; }

# "ID NAME" of a process's programs: full names from BTF; bpftrace's are cut
# to 15 bytes (sys_enter_write, sys_enter_writev) and get the names of the
# script's probes instead, which it loads in script order.
prog_names() {   # prog_names PID [COND]
	if [ "${2:-}" = bpftrace ]; then
		fd_ids "$1" prog | paste - <(sed -n 's/^tracepoint:[^:]*:\([^ ]*\) .*/bt:\1/p' "$BENCH_OUT/peer.bt") |
			awk -F'\t' '$1 != "" { print $1, ($2 == "" ? "?" : $2) }'
	else
		bpftool prog show -j 2>/dev/null | jq -r --argjson ids "$(json_ids "$1" prog)" \
			'.[] | select(.id as $i | $ids | index($i)) | "\(.id) \(.name)"'
	fi
}

prog_counters() {   # "ID RUN_CNT RUN_TIME_NS" per program (kernel.bpf_stats_enabled)
	awk 'FILENAME != f { if (c != "") print i, c, t; f = FILENAME; i = c = t = "" }
	     $1 == "prog_id:" { i = $2 } $1 == "run_cnt:" { c = $2 } $1 == "run_time_ns:" { t = $2 }
	     END { if (c != "") print i, c, t }' /proc/"$1"/fdinfo/* 2>/dev/null | sort -un
}

drops_map() {   # the id of ipcsnoop's per-kind "ring buffer full" counters
	bpftool map show -j 2>/dev/null | jq -r --argjson ids "$(json_ids "$1" map)" \
		'[.[] | select((.id as $i | $ids | index($i)) and .name == "drops") | .id][0] // empty'
}

drops_total() {
	[ -n "$1" ] || { echo NA; return; }
	bpftool map dump id "$1" -j 2>/dev/null | jq '[.[].formatted.values[].value] | add // 0' 2>/dev/null || echo NA
}

# How many tracing programs that are not ours are loaded (other tools, other tests).
foreign_progs() {
	local ours='[]'
	[ -n "$TRACER_PID" ] && ours=$(json_ids "$TRACER_PID" prog)
	bpftool prog show -j 2>/dev/null | jq --argjson o "$ours" \
		'[.[] | select(.type == "tracing" or .type == "tracepoint" or .type == "raw_tracepoint"
		 or .type == "kprobe" or .type == "perf_event")
		 | select(.id as $i | ($o | index($i)) == null)] | length' 2>/dev/null || echo '?'
}

# --- which programs ipcsnoop attaches in each mode (they may differ: some
# programs only serve a filter), and the floors and bpftrace script matching them
SECTIONS=$(tests/bench/sections.sh bpf)
declare -A MODE_ARGS=([json]="-j" [summary]="-s" [filtered]="-j -p SLEEPER")
declare -A MODE_PROGS FLOOR_OF

start_sleeper() {
	# unrelated: it holds no file of the bench (our stdout may be a pipe,
	# which -p would make a pipe of interest): stdio from/to /dev/null, the
	# other inherited fds closed
	(
		for f in /proc/"$BASHPID"/fd/*; do
			f=${f##*/}
			[ "$f" -gt 2 ] && eval "exec $f>&-"
		done
		exec sleep 1000000
	) </dev/null >/dev/null 2>&1 &
	SLEEPER_PID=$!
	disown "$SLEEPER_PID"
}

mode_args() { echo "${MODE_ARGS[$1]/SLEEPER/$SLEEPER_PID}"; }

start_ipcsnoop() {   # start_ipcsnoop MODE OUT-PREFIX
	rm -f "$2.err"
	# shellcheck disable=SC2046
	"$IPCSNOOP" -v $(mode_args "$1") >/dev/null 2>"$2.err" &
	TRACER_PID=$!
	wait_for "$2.err" '^ipcsnoop: tracing' "$TRACER_PID"
}

calibrate() {
	local m name
	for m in json summary filtered; do
		if ! start_ipcsnoop "$m" "$TMP/cal"; then
			stop_tracer
			die "ipcsnoop $(mode_args "$m") did not start: $(head -c 300 "$TMP/cal.err")"
		fi
		MODE_PROGS[$m]=$(prog_names "$TRACER_PID" | awk '{ print $2 }' | sort | paste -sd' ' -)
		stop_tracer
	done
	for name in ${MODE_PROGS[json]} ${MODE_PROGS[summary]} ${MODE_PROGS[filtered]}; do
		awk -v n="$name" '$2 == n { f = 1 } END { exit !f }' <<<"$SECTIONS" ||
			note "warning: ipcsnoop's program $name has no SEC() in bpf/: the floor lacks it"
	done
	# one floor per distinct program set
	FLOOR_OF[json]=floor
	FLOOR_OF[summary]=floor
	FLOOR_OF[filtered]=floor
	[ "${MODE_PROGS[summary]}" = "${MODE_PROGS[json]}" ] || FLOOR_OF[summary]=floor-s
	[ "${MODE_PROGS[filtered]}" = "${MODE_PROGS[json]}" ] || FLOOR_OF[filtered]=floor-p
}

floor_progs() {   # the program names of a floor condition
	case $1 in
	floor) echo "${MODE_PROGS[json]}" ;;
	floor-s) echo "${MODE_PROGS[summary]}" ;;
	floor-p) echo "${MODE_PROGS[filtered]}" ;;
	esac
}

# The peer: count hits per tracepoint, process and name in a bpftrace map, on the
# tracepoints whole-machine ipcsnoop attaches. bpftrace 0.17 (Debian 12) has no
# raw tracepoints, so tp_btf/raw_tp hooks become classic tracepoints there.
tp_category() {
	local d
	for d in /sys/kernel/tracing/events /sys/kernel/debug/tracing/events; do
		# shellcheck disable=SC2012
		ls -d "$d"/*/"$1" 2>/dev/null | head -1 | awk -F/ '{ print $(NF - 1) }' && return
	done
}

gen_bpftrace() {
	local sec name tp probes=
	while read -r sec name; do
		case " ${MODE_PROGS[json]} " in *" $name "*) ;; *) continue ;; esac
		case $sec in
		tracepoint/* | tp/*) tp=${sec#*/}; tp="tracepoint:${tp%%/*}:${tp#*/}" ;;
		*) tp=${sec#*/}; tp="tracepoint:$(tp_category "$tp"):$tp" ;;
		esac
		case $tp in tracepoint::*) note "warning: no tracepoint for $sec (bpftrace peer)"; continue ;; esac
		case " $probes " in *" $tp "*) ;; *) probes="$probes $tp" ;; esac
	done <<<"$SECTIONS"
	{
		echo "// generated by tests/bench/bench.sh: the bpftrace peer"
		for tp in $probes; do echo "$tp { @[probe, pid, comm] = count(); }"; done
		# shellcheck disable=SC2028  # the \n is bpftrace's
		echo 'BEGIN { printf("ready\n"); }'
	} >"$BENCH_OUT/peer.bt"
}

# --- a condition's tracer: start (TRACER_PID, or none), stop with its totals
declare -A NAME_OF
DROPS=
start_cond() {   # start_cond COND
	local o="$TMP/tracer"
	rm -f "$o".*
	NAME_OF=()
	DROPS=
	case $1 in
	untraced | strace) return 0 ;;
	floor*)
		# shellcheck disable=SC2046
		"$FLOOR" "$FLOOR_OBJ" $(floor_progs "$1") >"$o.out" 2>"$o.err" &
		TRACER_PID=$!
		# every budget line is a ratio to the floor: without it the run says nothing
		wait_for "$o.out" '^ready' "$TRACER_PID" || { stop_tracer; die "the floor could not start: $(head -c 300 "$o.err" | tr '\n' ' ')"; }
		;;
	json | summary | filtered)
		start_ipcsnoop "$1" "$o" || { note "ipcsnoop failed: $(head -c 300 "$o.err")"; stop_tracer; return 1; }
		DROPS=$(drops_map "$TRACER_PID")
		;;
	bpftrace)
		bpftrace "$BENCH_OUT/peer.bt" >"$o.out" 2>"$o.err" &
		TRACER_PID=$!
		wait_for "$o.out" '^ready' "$TRACER_PID" || { note "bpftrace failed: $(tail -c 300 "$o.err")"; stop_tracer; return 1; }
		;;
	esac
	[ "$BENCH_PASS" = stats ] || return 0
	while read -r id name; do NAME_OF[$id]=$name; done < <(prog_names "$TRACER_PID" "$1")
}

# Stop; for ipcsnoop set X_RECORDS, X_LOST (ring buffer full), X_UNPAIRED from its report.
stop_cond() {   # stop_cond COND
	local e="$TMP/tracer.err"
	X_RECORDS=NA X_LOST=NA X_UNPAIRED=NA
	stop_tracer
	case $1 in json | summary | filtered) ;; *) return 0 ;; esac
	X_RECORDS=$(sed -n 's/^ipcsnoop: \([0-9]*\) records.*/\1/p' "$e" | tail -1)
	X_LOST=$(sed -n 's/.*lost \([0-9]*\) .* records: ring buffer full.*/\1/p' "$e" | awk '{ s += $1 } END { print s + 0 }')
	X_UNPAIRED=$(sed -n 's/.*warning: \([0-9]*\) .* could not be paired.*/\1/p' "$e" | awk '{ s += $1 } END { print s + 0 }')
	[ -n "$X_RECORDS" ] || X_RECORDS=NA
}

# --- one workload under the running condition; sets the M_* fields of its row
measure() {   # measure WORKLOAD COND
	local wl=$1 cond=$2 line cpu0=0 d0=NA d1 prefix=() before="$TMP/c0" after="$TMP/c1"
	M_ITERS=$(awk -v n="${ITERS[$wl]}" -v s="$BENCH_SCALE" 'BEGIN { n = int(n * s); print (n > 0 ? n : 1) }')
	M_EVENTS=NA M_LOST=NA M_UNPAIRED=NA M_CPU=NA M_RSS=NA M_HWM=NA
	if [ "$cond" = strace ]; then
		M_ITERS=$(( (M_ITERS + STRACE_DIV - 1) / STRACE_DIV ))
		prefix=(strace -f -qq -o "$TMP/strace.out")
	fi
	if [ -n "$TRACER_PID" ]; then
		cpu0=$(cpu_ns "$TRACER_PID")
		d0=$(drops_total "$DROPS")
		[ "$BENCH_PASS" = stats ] && prog_counters "$TRACER_PID" >"$before"
	fi
	line=$("${prefix[@]}" "$WL" "$wl" "$M_ITERS" "$TMP") || note "$wl under $cond failed"
	M_NS=$(sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' <<<"$line")
	M_ELAPSED=$(sed -n 's/.*elapsed_ns=\([0-9]*\).*/\1/p' <<<"$line")
	[ "$cond" = strace ] && M_EVENTS=$(wc -l <"$TMP/strace.out")
	if [ -n "$TRACER_PID" ] && ! alive "$TRACER_PID"; then
		note "the $cond tracer died during $wl: run not counted"
		M_NS=
	fi
	if [ -n "$TRACER_PID" ]; then
		sleep 0.25     # ipcsnoop polls every 100 ms: let it take in the last records
		M_CPU=$(( $(cpu_ns "$TRACER_PID") - cpu0 ))
		M_RSS=$(status_kb "$TRACER_PID" VmRSS)
		M_HWM=$(status_kb "$TRACER_PID" VmHWM)
		d1=$(drops_total "$DROPS")
		[ "$d0" != NA ] && [ "$d1" != NA ] && M_LOST=$((d1 - d0))
		if [ "$BENCH_PASS" = stats ]; then
			prog_counters "$TRACER_PID" >"$after"
			# per program: runs and run time during this workload
			awk 'NR == FNR { c[$1] = $2; t[$1] = $3; next }
			     { print $1, $2 - c[$1], $3 - t[$1] }' "$before" "$after" >"$TMP/delta"
			while read -r id cnt ns; do
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$cond" "${NAME_OF[$id]:-$id}" "$cnt" "$ns" "$M_ITERS"
			done <"$TMP/delta" >>"$PROGS"
			[ "$cond" = bpftrace ] && M_EVENTS=$(awk '{ s += $2 } END { print s + 0 }' "$TMP/delta")
		fi
	fi
	M_FOREIGN=$(foreign_progs)
}

emit_row() {   # emit_row PASS REP WORKLOAD COND
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
		"$M_ITERS" "${M_NS:-NA}" "${M_ELAPSED:-NA}" "$M_EVENTS" "$M_LOST" "$M_UNPAIRED" \
		"$M_CPU" "$M_RSS" "$M_HWM" "$M_FOREIGN" >>"$RUNS"
	printf '  %-5s %2s %-9s %-15s %10s ns/op\n' "$1" "$2" "$4" "$3" "${M_NS:-FAILED}" >&2
}

# One condition, every workload, one tracer. WORKLOADS in the order given.
block() {   # block PASS REP COND WORKLOAD...
	local pass=$1 rep=$2 cond=$3 wl
	shift 3
	start_cond "$cond" || return
	for wl in "$@"; do
		measure "$wl" "$cond"
		emit_row "$pass" "$rep" "$wl" "$cond"
	done
	stop_cond "$cond"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pass" "$rep" "$cond" "$X_RECORDS" "$X_LOST" "$X_UNPAIRED" >>"$BLOCKS"
}

# The statistics pass: ipcsnoop -j afresh for each workload (its record count
# at exit is that workload's; BENCH_STATS=2: -s and -p too, a few minutes
# more with many programs), the others in one block.
stats_pass() {
	local cond wl fresh="json"
	[ "$BENCH_STATS" = 2 ] && fresh="json summary filtered"
	for cond in "${CONDS_A[@]}"; do
		case $cond in untraced | strace) continue ;; esac
		case " $fresh " in
		*" $cond "*)
			for wl in "${WL_A[@]}"; do
				start_cond "$cond" || continue
				measure "$wl" "$cond"
				stop_cond "$cond"
				M_EVENTS=$X_RECORDS M_LOST=$X_LOST M_UNPAIRED=$X_UNPAIRED
				emit_row stats 0 "$wl" "$cond"
			done
			;;
		*) block stats 0 "$cond" "${WL_A[@]}" ;;
		esac
	done
}

# --- the memory check (BENCH_LONG=1): ipcsnoop's RSS while it takes in
# BENCH_EVENTS events from long-lived ping-pong pairs. Few new processes on
# purpose: every new pid fills a slot of a preallocated table (names, summary
# rows), which is bounded growth, not a leak; what must stay flat is the
# memory per event. The sampler uses shell builtins only (no new processes).
events_of() {   # EVENTS=sum of run_cnt over the programs process $1 holds
	local f k v
	EVENTS=0
	for f in /proc/"$1"/fdinfo/*; do
		while read -r k v; do
			[ "$k" = run_cnt: ] && EVENTS=$((EVENTS + v))
		done 2>/dev/null <"$f"
	done
}

rss_of() {   # RSS=VmRSS of process $1 in kB
	local k v _
	RSS=0
	while read -r k v _; do
		[ "$k" = VmRSS: ] && { RSS=$v; return; }
	done 2>/dev/null <"/proc/$1/status"
}

# A line "events rss_kb cpu_ns" a second, with builtins only: a command
# substitution would fork, and each new pid fills a table slot in ipcsnoop.
sampler() {   # sampler PID FILE STOP-FILE
	local fd cpu _
	exec {fd}<> <(:)
	while [ -e "$3" ] && kill -0 "$1" 2>/dev/null; do
		read -r cpu _ 2>/dev/null <"/proc/$1/schedstat"
		events_of "$1"
		rss_of "$1"
		printf '%s\t%s\t%s\n' "$EVENTS" "$RSS" "$cpu" >>"$2"
		read -r -t 1 -u "$fd"
	done
}

long_mode() {
	local out="$BENCH_OUT/memory.tsv" stop="$TMP/sampling" wl e0 e1 per_op n=0 share iters spid
	local -A rate
	note "memory check: whole-machine ipcsnoop -j >/dev/null, $BENCH_EVENTS events from long-lived pairs"
	echo 1 >"$STATS_SYSCTL" || die "cannot enable kernel.bpf_stats_enabled"
	start_ipcsnoop json "$TMP/long" || die "ipcsnoop did not start: $(head -c 300 "$TMP/long.err")"
	# events per operation of each ping-pong workload (0: ipcsnoop does not trace it)
	for wl in $PINGPONG; do
		events_of "$TRACER_PID"
		e0=$EVENTS
		"$WL" "$wl" 5000 "$TMP" >/dev/null || die "$wl failed"
		events_of "$TRACER_PID"
		e1=$EVENTS
		per_op=$(( (e1 - e0) / 5000 ))
		rate[$wl]=$per_op
		[ "$per_op" -gt 0 ] && n=$((n + 1))
		note "  $wl: $per_op events per operation"
	done
	[ "$n" -gt 0 ] || die "no ping-pong workload makes ipcsnoop's programs run"
	printf 'events\trss_kb\tcpu_ns\n' >"$out"
	touch "$stop"
	sampler "$TRACER_PID" "$out" "$stop" &
	spid=$!
	share=$((BENCH_EVENTS / n))
	for wl in $PINGPONG; do
		[ "${rate[$wl]}" -gt 0 ] || continue
		iters=$((share / rate[$wl] + 1))
		note "  $wl: $iters operations"
		"$WL" "$wl" "$iters" "$TMP" >/dev/null || note "$wl failed"
	done
	sleep 1.5
	rm -f "$stop"
	wait "$spid"
	stop_tracer
	echo "$STATS_ORIG" >"$STATS_SYSCTL"
	awk -v want="$BENCH_EVENTS" -v records="$(sed -n 's/^ipcsnoop: \([0-9]*\) records.*/\1/p' "$TMP/long.err")" \
		-f tests/bench/memory.awk "$out" | tee "$BENCH_OUT/memory.txt"
	grep -E 'warning' "$TMP/long.err" | sed 's/^/  /' | tee -a "$BENCH_OUT/memory.txt"
}

# --- main
start_sleeper
BENCH_PASS="time"
if [ "$BENCH_LONG" = 1 ]; then
	long_mode
	exit 0
fi
WORKLOADS=${BENCH_WORKLOADS:-$("$WL" list | paste -sd' ' -)}
CONDS=${BENCH_CONDS:-$ALL_CONDS}
for c in $CONDS; do
	case " $ALL_CONDS " in *" $c "*) ;; *) die "unknown condition '$c' (conditions: $ALL_CONDS)" ;; esac
done
for w in $WORKLOADS; do
	[ -n "${ITERS[$w]:-}" ] || die "unknown workload '$w' (workloads: ${!ITERS[*]})"
done
case " $CONDS " in *" bpftrace "*) command -v bpftrace >/dev/null || die "bpftrace is missing (make bench installs it)" ;; esac
case " $CONDS " in *" strace "*) command -v strace >/dev/null || die "strace is missing (make bench installs it)" ;; esac

calibrate
gen_bpftrace
# the floors the ipcsnoop conditions need, right after "floor"
EXPANDED=
for c in $CONDS; do
	EXPANDED="$EXPANDED $c"
	if [ "$c" = floor ]; then
		for m in summary filtered; do
			case " $CONDS " in *" $m "*) ;; *) continue ;; esac
			case " $EXPANDED " in *" ${FLOOR_OF[$m]} "*) ;; *) EXPANDED="$EXPANDED ${FLOOR_OF[$m]}" ;; esac
		done
	fi
done
read -r -a CONDS_A <<<"$EXPANDED"
read -r -a WL_A <<<"$WORKLOADS"

{
	echo "ipcsnoop benchmark: $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
	echo "$BENCH_REPS repetitions x ${#WL_A[@]} workloads x ${#CONDS_A[@]} conditions, scale $BENCH_SCALE, $(date -u +%FT%TZ)"
	for m in json summary filtered; do
		echo "ipcsnoop $(mode_args "$m" | sed "s/$SLEEPER_PID/SLEEPING-PID/") attaches: ${MODE_PROGS[$m]} (floor: ${FLOOR_OF[$m]})"
	done
	echo "bpftrace peer: $(grep -c '^tracepoint' "$BENCH_OUT/peer.bt") tracepoints, $BENCH_OUT/peer.bt"
} >"$BENCH_OUT/header.txt"
cat "$BENCH_OUT/header.txt" >&2

printf 'pass\trep\tworkload\tcond\titers\tns_per_op\telapsed_ns\tevents\tlost\tunpaired\tcpu_ns\trss_kb\thwm_kb\tforeign\n' >"$RUNS"
printf 'workload\tcond\tprogram\trun_cnt\trun_time_ns\titers\n' >"$PROGS"
printf 'pass\trep\tcond\trecords\tlost\tunpaired\n' >"$BLOCKS"
START=$SECONDS
# warm-up: every workload once, short, untraced (page cache, first faults)
for wl in "${WL_A[@]}"; do "$WL" "$wl" $(( ${ITERS[$wl]} / 10 + 1 )) "$TMP" >/dev/null; done
nc=${#CONDS_A[@]}
nw=${#WL_A[@]}
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
	order=()
	for ((w = 0; w < nw; w++)); do order+=("${WL_A[$(( (w + rep) % nw ))]}"); done
	for ((k = 0; k < nc; k++)); do
		block time "$rep" "${CONDS_A[$(( (k + rep) % nc ))]}" "${order[@]}"
	done
	note "repetition $rep done ($((SECONDS - START)) s)"
done
if [ "$BENCH_STATS" != 0 ]; then
	if echo 1 >"$STATS_SYSCTL"; then
		BENCH_PASS=stats
		stats_pass
		BENCH_PASS="time"
		echo "$STATS_ORIG" >"$STATS_SYSCTL"
	else
		note "cannot enable kernel.bpf_stats_enabled: no per-program statistics"
	fi
fi
note "done in $((SECONDS - START)) s"
report() {
	awk -F'\t' -v pingpong="$PINGPONG" -v nonipc="$NONIPC" -v wlorder="${WL_A[*]}" -v condorder="${CONDS_A[*]}" \
		-v floor_summary="${FLOOR_OF[summary]}" -v floor_filtered="${FLOOR_OF[filtered]}" \
		"$@" -f tests/bench/report.awk "$RUNS" "$PROGS" "$BLOCKS"
}
report -v markdown=1 >"$BENCH_OUT/table.md"
{
	cat "$BENCH_OUT/header.txt"
	report
	echo "(Markdown table for the README: $BENCH_OUT/table.md)"
} | tee "$BENCH_OUT/report.txt"
exit 0
