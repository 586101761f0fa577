#!/usr/bin/env bash
# --backend: option errors, what -v says per hook, and what only the function
# hooks (fentry, kprobe) can show: pipe bytes moved without a write syscall
# (io_uring) attributed exactly, and syscalls on other files running none of
# ipcsnoop's programs. The test guests run this with each backend
# (IPCSNOOP_BACKEND); on the host (6.18: no fentry, no kprobes) auto is
# tracepoints and the function-only checks are skipped with the reason.
. "$(dirname "$0")/lib.sh"
require_root "backend tests"
require_cmd jq "backend tests" || exit 0

# lines FILE: its number of lines
lines() { wc -l <"$1" | tr -d ' '; }

# --- option errors: one line "ipcsnoop: ...", usage status 2
"$IPCSNOOP" --backend bogus -- true >"$TMP/bogus.out" 2>"$TMP/bogus.err"
expect_eq "--backend bogus: usage error status" "$?" 2
expect_eq "--backend bogus: one line on stderr" "$(lines "$TMP/bogus.err")" 1
expect_eq "--backend bogus: says what is wrong and the choices" "$(cat "$TMP/bogus.err")" \
	"ipcsnoop: unknown backend 'bogus' for --backend (backends: auto, tracepoint, fentry, kprobe)"
"$IPCSNOOP" --backend -- true >/dev/null 2>"$TMP/noarg.err"
expect_eq "--backend without a name: usage error" "$?" 2
"$IPCSNOOP" --backend auto --backend tracepoint -- true >/dev/null 2>"$TMP/twice.err"
expect_eq "--backend given twice: usage error" "$?:$(cat "$TMP/twice.err")" "2:ipcsnoop: --backend given twice"

# --- -v: one line per hook, what auto chose and why
"$IPCSNOOP" -v -t pipe -o /dev/null -- true 2>"$TMP/auto.err"
expect_eq "-v: one backend line per pipe hook" \
	"$(grep -cE '^ipcsnoop: backend: pipe (write|read): (tracepoints|fentry on|kprobe on)' "$TMP/auto.err")" 2
AUTO=$(sed -n 's/^ipcsnoop: backend: pipe write: \([a-z]*\).*/\1/p' "$TMP/auto.err")
case "$AUTO" in
tracepoints)
	expect_eq "-v: auto on tracepoints says why not fentry and kprobe" \
		"$(grep -c '^ipcsnoop: backend: pipe write: tracepoints (fentry on .*; kprobe on .*)$' "$TMP/auto.err")" 1 ;;
*)	pass "-v: auto chose $AUTO for pipe writes" ;;
esac
"$IPCSNOOP" -v --backend tracepoint -t pipe -o /dev/null -- true 2>"$TMP/tp.err"
expect_eq "-v --backend tracepoint: says so per hook (write, read, splice)" \
	"$(grep -c '^ipcsnoop: backend: pipe [a-z]*: tracepoints (--backend tracepoint)$' "$TMP/tp.err")" 3

# --- a backend that cannot load here: one clear line, runtime error status
for b in fentry kprobe; do
	"$IPCSNOOP" -v --backend "$b" -t pipe -o /dev/null -- true >/dev/null 2>"$TMP/$b.err"
	rc=$?
	if grep -q "^ipcsnoop: backend: pipe write: $b on" "$TMP/$b.err"; then
		expect_eq "--backend $b: loads here and runs" "$rc" 0
		# the unix hooks have both variants too (where the kernel has unix at all)
		"$IPCSNOOP" -v --backend "$b" -t unix -o /dev/null -- true >/dev/null 2>"$TMP/$b-unix.err"
		expect_eq "--backend $b: the unix send and receive hooks are on $b too" \
			"$?:$(grep -cE "^ipcsnoop: backend: unix (send|receive): $b on [a-z_+]+$" "$TMP/$b-unix.err")" "0:2"
		continue
	fi
	"$IPCSNOOP" --backend "$b" -t pipe -o /dev/null -- true >/dev/null 2>"$TMP/$b.err"
	rc=$?
	expect_eq "--backend $b where it cannot load: status 1, one line" "$rc:$(lines "$TMP/$b.err")" "1:1"
	expect_eq "--backend $b where it cannot load: says which hook and why" \
		"$(grep -c "^ipcsnoop: --backend $b cannot trace the pipe write here: $b on [a-z_]*: .* (try --backend auto)$" "$TMP/$b.err")" 1
done

# The backend the rest of this script runs with (IPCSNOOP_BACKEND, or auto)
"$IPCSNOOP" "${BACKEND_OPT[@]}" -v -t pipe -o /dev/null -- true 2>"$TMP/used.err"
USED=$(sed -n 's/^ipcsnoop: backend: pipe write: \([a-z]*\).*/\1/p' "$TMP/used.err")
WHY="the tracepoint backend hooks pipe writes at the write syscalls only ($(sed -n 's/^ipcsnoop: backend: pipe write: tracepoints (\(.*\))$/\1/p' "$TMP/used.err"))"

# --- pipe bytes written by io_uring: no write syscall, the functions see them
trace uring -t pipe -x 8 -- "$DEMOS/pipe_uring"
if [ "$RC" = 3 ]; then
	skip "io_uring pipe writes: $(grep '^demo:' "$TMP/uring.err" | head -1)"
elif [ "$USED" = tracepoints ]; then
	expect_eq "io_uring: the demo ran (reader got 21 bytes)" "$(grep -c '^read 21 uring-0uring-1uring-2$' "$TMP/uring.out")" 1
	skip "io_uring pipe writes attributed: $WHY"
else
	W=$(pid_of uring writer) R=$(pid_of uring reader) PIPE=$(pid_of uring pipe)
	on=".object==\"$PIPE\""
	expect_eq "io_uring: exit status is the demo's" "$RC" 0
	expect_edges uring "io_uring: every edge on the pipe is writer -> reader, exact ($USED)" \
		"$on and (.src.pid!=$W or .dst.pid!=$R or (.exact|not))" 0
	expect_eq "io_uring: the 3 writes are in the edges" \
		"$(jq -s "[.[] | select(.type==\"edge\" and $on) | .writes] | add // 0" "$TMP/uring.json")" 3
	expect_eq "io_uring: bytes writer -> reader" \
		"$(jq -s "[.[] | select(.type==\"edge\" and $on and .src.pid==$W and .dst.pid==$R) | .bytes] | add // 0" "$TMP/uring.json")" 21
	expect_edges uring "io_uring: no bytes from an unknown writer" "$on and .src.known==false" 0
	expect_edges uring "io_uring: -x 8 carries the first write" \
		"$on and .src.pid==$W and .data==\"$(printf 'uring-0' | base64 -w0)\"" 1
	# the demo has each write read by a read of its own: one edge per write
	expect_edges uring "io_uring: -x 8 carries the second and third writes, 7 bytes each" \
		"$on and .src.pid==$W and .bytes==7 and .writes==1 and (.data==\"$(printf 'uring-1' | base64 -w0)\" or .data==\"$(printf 'uring-2' | base64 -w0)\")" 2
fi

# --- file bytes spliced into a pipe by io_uring (IORING_OP_SPLICE): no splice
# syscall, do_splice sees them; the demo's one splice(2) is counted once
SUSED=$(sed -n 's/^ipcsnoop: backend: pipe splice: \([a-z]*\).*/\1/p' "$TMP/used.err")
trace usplice -t pipe -- "$DEMOS/pipe_uring_splice"
if [ "$RC" = 3 ]; then
	skip "io_uring splices into a pipe: $(grep '^demo:' "$TMP/usplice.err" | head -1)"
elif [ "$SUSED" = tracepoints ]; then
	expect_eq "io_uring splice: the demo ran (reader got 32 bytes)" \
		"$(grep -c '^read 32 splice-0splice-1splice-2splice-3$' "$TMP/usplice.out")" 1
	skip "io_uring splices into a pipe attributed: the tracepoint backend hooks splices at the splice syscall only ($(sed -n 's/^ipcsnoop: backend: pipe splice: tracepoints (\(.*\))$/\1/p' "$TMP/used.err"))"
else
	W=$(pid_of usplice writer) R=$(pid_of usplice reader) PIPE=$(pid_of usplice pipe)
	on=".object==\"$PIPE\""
	expect_eq "io_uring splice: exit status is the demo's" "$RC" 0
	expect_edges usplice "io_uring splice: every edge on the pipe is writer -> reader, exact, spliced in, read out ($SUSED)" \
		"$on and (.src.pid!=$W or .dst.pid!=$R or (.exact|not) or .write_op!=\"splice\" or .read_op!=\"read\")" 0
	expect_eq "io_uring splice: 3 io_uring splices + 1 splice(2), each counted once" \
		"$(jq -s "[.[] | select(.type==\"edge\" and $on) | .writes] | add // 0" "$TMP/usplice.json")" 4
	expect_eq "io_uring splice: bytes writer -> reader" \
		"$(jq -s "[.[] | select(.type==\"edge\" and $on and .src.pid==$W and .dst.pid==$R) | .bytes] | add // 0" "$TMP/usplice.json")" 32
	expect_edges usplice "io_uring splice: no bytes from an unknown writer" "$on and .src.known==false" 0
fi

# --- syscalls on other files run none of ipcsnoop's programs (kernel.bpf_stats_enabled)
# runs PID: sets RUNS to the sum of run_cnt over the BPF programs PID holds
runs() {
	local f k v
	RUNS=0
	for f in /proc/"$1"/fdinfo/*; do
		while read -r k v; do
			[ "$k" = run_cnt: ] && RUNS=$((RUNS + v))
		done <"$f"
	done
}
STATS=/proc/sys/kernel/bpf_stats_enabled
if [ "$USED" = tracepoints ]; then
	skip "writes to /dev/null run no program: $WHY; every write runs the sys_enter_write program there"
elif [ ! -w "$STATS" ]; then
	skip "writes to /dev/null run no program: no $STATS to count program runs"
else
	old=$(cat "$STATS")
	echo 1 >"$STATS"
	if start_bg devnull -t pipe; then
		runs "$BG_PID"; r0=$RUNS
		dd if=/dev/zero of=/dev/null bs=1 count=20000 2>"$TMP/dd.err"
		runs "$BG_PID"; r1=$RUNS
		# the same count of writes into a pipe: they do run (the counter counts)
		dd if=/dev/zero bs=1 count=2000 2>"$TMP/dd2.err" | cat >/dev/null
		runs "$BG_PID"; r2=$RUNS
		stop_bg
		if [ $((r1 - r0)) -lt 20 ]; then
			pass "20000 writes + 20000 reads on /dev/zero, /dev/null: $((r1 - r0)) program runs ($USED)"
		else
			fail "20000 writes + 20000 reads on /dev/zero, /dev/null: $((r1 - r0)) program runs, expected ~0 ($USED)"
		fi
		if [ $((r2 - r1)) -ge 4000 ]; then
			pass "2000 1-byte writes into a pipe and their reads: $((r2 - r1)) program runs (>= 4000)"
		else
			fail "2000 1-byte writes into a pipe and their reads: $((r2 - r1)) program runs, expected >= 4000"
		fi
	else
		fail "writes to /dev/null: ipcsnoop did not start"
	fi
	echo "$old" >"$STATS"
fi
