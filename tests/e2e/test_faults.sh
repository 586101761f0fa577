#!/usr/bin/env bash
# Faults: stop signals, SIGKILL of ipcsnoop, two instances at once, and traced
# processes that exit mid-transfer, exec, lose their leader, or reuse a pid.
# The process scenarios run once per kind ipcsnoop implements (the demos take
# the kind as argument, see tests/demos/channel.h): a new kind is covered by
# adding it to channel.h; kind-specific checks follow the generic ones.
. "$(dirname "$0")/lib.sh"
require_root "fault tests"

implemented=$("$IPCSNOOP" -h | sed -n 's/.*comma list of kinds: \([a-z,]*\).*/\1/p' | tr , ' ')
KINDS=""
for k in signal pipe unix msg mq; do
	case " $implemented " in *" $k "*) kind_available "$k" && KINDS="$KINDS $k" || skip "$k: $(head -1 "$TMP/kind-$k.err")" ;; esac
done
ln -s "$DEMOS/exec_comm" "$TMP/after_exec"

# the edges a demo's messages make, per kind (signals: SIGUSR1; SIGCHLD comes on top)
message() {
	case $1 in
	signal) echo '.kind=="signal" and .object=="SIGUSR1"' ;;
	*) echo ".kind==\"$1\"" ;;
	esac
}

for K in $KINDS; do
	sel=$(message "$K")
	# --- a sender that exits before its message is taken
	trace exit_$K -t "$K" -- "$DEMOS/fault_exit" "$K"
	expect_eq "$K exit: demo status" "$RC" 0
	P=$(pid_of exit_$K parent) E=$(pid_of exit_$K early)
	expect_edges exit_$K "$K exit: the message of a sender gone before it was taken names the sender" \
		"$sel and .src.pid==$E and .src.comm==\"early_exit\" and .dst.pid==$P" 1
	expect_edges exit_$K "$K exit: one edge from the early sender" "$sel and .src.pid==$E and .dst.pid==$P" 1

	# --- exec changes the name: before it the old comm, after it the new one
	trace exec_$K -t "$K" -- "$DEMOS/exec_comm" "$K" "$TMP/after_exec"
	expect_eq "$K exec: demo status" "$RC" 0
	P=$(pid_of exec_$K parent) C=$(pid_of exec_$K child)
	expect_edges exec_$K "$K exec: the message before exec carries the old comm" \
		"$sel and .src.pid==$C and .src.comm==\"exec_comm\" and .dst.pid==$P" 1
	expect_edges exec_$K "$K exec: the message after exec carries the new comm" \
		"$sel and .src.pid==$C and .src.comm==\"after_exec\" and .dst.pid==$P" 1
	expect_eq "$K exec: one process before and after (same start time)" \
		"$(jq -r "select(.type==\"edge\" and $sel and .src.pid==$C) | .src.start_mono_ns" "$TMP/exec_$K.json" | sort -u | wc -l)" 1

	# --- the leader exits first; its thread goes on
	trace leader_$K -t "$K" -- "$DEMOS/leader_exit" "$K"
	expect_eq "$K leader: demo status" "$RC" 0
	P=$(pid_of leader_$K parent) C=$(pid_of leader_$K child) W=$(pid_of leader_$K worker)
	expect_edges leader_$K "$K leader: 3 messages from the thread after its leader exited" \
		"$sel and .src.pid==$C and .src.tid==$W and .src.comm==\"worker\" and .dst.pid==$P" 3
	expect_edges leader_$K "$K leader: 1 message to the leaderless process" \
		"$sel and .src.pid==$P and .dst.pid==$C" 1

	# --- a new process with an old pid is another process
	trace reuse_$K -t "$K" --dot "$TMP/reuse_$K.dot" -- "$DEMOS/pid_reuse" "$K"
	if [ "$RC" = 77 ]; then
		skip "$K pid reuse: $(grep '^skip' "$TMP/reuse_$K.out")"
		continue
	fi
	expect_eq "$K reuse: demo status" "$RC" 0
	F=$(pid_of reuse_$K first) S=$(pid_of reuse_$K second)
	expect_eq "$K reuse: the second process got the first one's pid" "$S" "$F"
	expect_edges reuse_$K "$K reuse: the first process's edge" "$sel and .src.pid==$F and .src.comm==\"first\"" 1
	expect_edges reuse_$K "$K reuse: the second process's edge" "$sel and .src.pid==$F and .src.comm==\"second\"" 1
	expect_eq "$K reuse: two start times for the one pid" \
		"$(jq -r "select(.type==\"edge\" and $sel and .src.pid==$F) | .src.start_mono_ns" "$TMP/reuse_$K.json" | sort -u | wc -l)" 2
	expect_eq "$K reuse: two summary rows, one per process, count 1 each" \
		"$(jq -c "select(.type==\"summary\" and $sel and .src.pid==$F) | [.src.comm,.count]" "$TMP/reuse_$K.json" | sort | tr -d '\n')" \
		'["first",1]["second",1]'
	expect_eq "$K reuse: two graph nodes for the one pid" \
		"$(grep -cE "^  p${F}(_2)? \[label=\"$F\\\\n(first|second)\"\]" "$TMP/reuse_$K.dot")" 2
done

# --- signal-specific: what the receiver did
if [[ " $KINDS " == *" signal "* ]]; then
	P=$(pid_of exit_signal parent) E=$(pid_of exit_signal early) L=$(pid_of exit_signal late)
	expect_edges exit_signal "signal exit: taken by the handler after the sender exited" \
		".src.pid==$E and .signal==\"SIGUSR1\" and .action==\"handler\"" 1
	expect_edges exit_signal "signal exit: blocked in a process that exits: not-delivered" \
		".src.pid==$P and .dst.pid==$L and .dst.comm==\"dies_first\" and .signal==\"SIGUSR1\" and .action==\"not-delivered\"" 1
	expect_edges exit_signal "signal exit: SIGCHLD from the early exiter names it" \
		".src.pid==$E and .src.comm==\"early_exit\" and .dst.pid==$P and .signal==\"SIGCHLD\"" 1
	P=$(pid_of exec_signal parent) C=$(pid_of exec_signal child)
	expect_edges exec_signal "signal exec: SIGCHLD at exit carries the new comm" \
		".src.pid==$C and .src.comm==\"after_exec\" and .signal==\"SIGCHLD\" and .dst.pid==$P" 1
	P=$(pid_of leader_signal parent) C=$(pid_of leader_signal child)
	expect_edges leader_signal "signal leader: the thread handles the parent's signal" \
		".src.pid==$P and .dst.pid==$C and .signal==\"SIGUSR1\" and .scope==\"process\" and .action==\"handler\"" 1
	expect_edges leader_signal "signal leader: SIGCHLD when the last thread exits" \
		".src.pid==$C and .dst.pid==$P and .signal==\"SIGCHLD\" and .origin==\"child-exit\"" 1
	expect_edges leader_signal "signal leader: nothing pending or lost" \
		".action==\"pending\" or .action==\"not-delivered\"" 0
	if [ -s "$TMP/reuse_signal.json" ] && F=$(pid_of reuse_signal first) && [ -n "$F" ]; then
		expect_eq "signal reuse: SIGCHLD of each process under its own name" \
			"$(jq -r "select(.type==\"edge\" and .signal==\"SIGCHLD\" and .src.pid==$F) | .src.comm" "$TMP/reuse_signal.json" | sort | tr '\n' ' ')" \
			"first second "
	fi
fi

# --- stop signals without COMMAND: a clean end with the summary, status 0
for sig in INT TERM HUP; do
	start_bg stop_$sig -t signal -c signal_notes || { fail "SIG$sig: ipcsnoop did not start"; continue; }
	"$DEMOS/signal_notes" >"$TMP/stop_$sig.demo"
	sleep 0.2
	stop_bg $sig
	expect_eq "SIG$sig ends a whole-machine run with status 0" "$RC" 0
	expect_eq "SIG$sig: the summary was printed, with the demo's SIGINT" \
		"$(jq -c 'select(.type=="summary" and .scope=="total" and .signal==null and .object=="SIGINT") | .count' "$TMP/stop_$sig.json")" 1
	expect_valid_json stop_$sig
done

# --- with COMMAND: a stop signal is passed on; ipcsnoop ends when COMMAND does
start_bg cmdterm -t signal -- sleep 30 || fail "COMMAND SIGTERM: ipcsnoop did not start"
t0=$(date +%s%N)
stop_bg TERM
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "SIGTERM with COMMAND: passed on, COMMAND's status 128+15" "$RC" 143
if [ "$ms" -lt 3000 ]; then pass "SIGTERM with COMMAND: ended as soon as COMMAND did (${ms} ms)"; else fail "SIGTERM with COMMAND: took ${ms} ms"; fi
if jq -e 'select(.type=="summary")' "$TMP/cmdterm.json" >/dev/null || ! grep -q . "$TMP/cmdterm.json"; then
	pass "SIGTERM with COMMAND: clean end (valid output)"
else
	fail "SIGTERM with COMMAND: bad output"
fi

# a COMMAND that ignores it: ipcsnoop waits 5 s, says so, and leaves it running
start_bg cmdign -t signal -- sh -c 'trap "" TERM; sleep 7; exit 0' || fail "ignored SIGTERM: did not start"
t0=$(date +%s%N)
stop_bg TERM
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "COMMAND ignoring SIGTERM: ipcsnoop still ends, 128+15" "$RC" 143
if [ "$ms" -ge 4500 ] && [ "$ms" -lt 6500 ]; then pass "COMMAND ignoring SIGTERM: 5 s grace (${ms} ms)"; else fail "COMMAND ignoring SIGTERM: ended after ${ms} ms"; fi
if grep -q "^ipcsnoop: warning: COMMAND (pid [0-9]*) still runs 5 s after Terminated: left running, untraced" "$TMP/cmdign.err"; then
	pass "COMMAND ignoring SIGTERM: one warning line says it was left running"
else
	fail "COMMAND ignoring SIGTERM: no warning: $(cat "$TMP/cmdign.err")"
fi
# a second signal stops at once
start_bg cmd2 -t signal -- sh -c 'trap "" TERM; sleep 7; exit 0' || fail "second signal: did not start"
t0=$(date +%s%N)
kill -TERM "$BG_PID"; sleep 0.3
stop_bg TERM
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "second SIGTERM: 128+15" "$RC" 143
if [ "$ms" -lt 2000 ]; then pass "second SIGTERM stops at once (${ms} ms)"; else fail "second SIGTERM: took ${ms} ms"; fi

# Ctrl-C on a terminal reaches COMMAND itself: ipcsnoop goes on until COMMAND exits
if command -v python3 >/dev/null 2>&1; then
	python3 - "$IPCSNOOP" "$TMP/tty.json" >"$TMP/tty.out" 2>&1 <<'PY'
import os, pty, sys, time, select
ipcsnoop, out = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ipcsnoop, [ipcsnoop, "-t", "signal", "-j", "-o", out, "--", "sh", "-c",
                        'trap "echo caught" INT; echo ready; sleep 3; echo done; exit 4'])
buf = b""
deadline = time.time() + 20
while b"ready" not in buf and time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        buf += os.read(fd, 1024)
time.sleep(0.5)
os.write(fd, b"\x03")
while time.time() < deadline:
    try:
        if select.select([fd], [], [], 0.1)[0]:
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            buf += chunk
    except OSError:
        break
_, status = os.waitpid(pid, 0)
print("status", os.waitstatus_to_exitcode(status))
print(buf.decode(errors="replace").replace("\r", ""))
PY
	expect_eq "Ctrl-C on the terminal: COMMAND decides (traps it, ends with 4), ipcsnoop follows" \
		"$(head -1 "$TMP/tty.out")" "status 4"
	if grep -q caught "$TMP/tty.out" && grep -q done "$TMP/tty.out"; then
		pass "Ctrl-C on the terminal: COMMAND got it and ran to its end"
	else
		fail "Ctrl-C on the terminal: $(cat "$TMP/tty.out")"
	fi
	expect_edges tty "Ctrl-C on the terminal: the kernel's SIGINT to COMMAND is traced" \
		".src.pid==0 and .signal==\"SIGINT\" and .action==\"handler\" and .dst.comm==\"sh\"" 1
else
	skip "Ctrl-C on a terminal: python3 is not installed"
fi

# --- SIGKILL of ipcsnoop leaves no BPF program, link or map behind
bpf_ids() {   # bpf_ids PID: "prog:ID", "link:ID", "map:ID" lines for the fds PID holds
	local f
	for f in /proc/"$1"/fdinfo/*; do
		awk '/^prog_id:/ { print "prog:" $2 } /^link_id:/ { print "link:" $2 } /^map_id:/ { print "map:" $2 }' "$f" 2>/dev/null
	done | sort -u
}
bpf_alive() {   # bpf_alive IDS-FILE: how many of those ids still exist
	local n=0 what id
	bpftool prog show -j >"$TMP/progs.json" 2>/dev/null
	bpftool link show -j >"$TMP/links.json" 2>/dev/null
	bpftool map show -j >"$TMP/maps.json" 2>/dev/null
	while IFS=: read -r what id; do
		if jq -e ".[] | select(.id==$id)" "$TMP/${what}s.json" >/dev/null 2>&1; then n=$((n + 1)); fi
	done <"$1"
	echo $n
}
if require_cmd bpftool "SIGKILL leaves nothing attached"; then
	start_bg killed -t signal || fail "SIGKILL: ipcsnoop did not start"
	bpf_ids "$BG_PID" >"$TMP/ids"
	nprog=$(grep -c '^prog:' "$TMP/ids") nlink=$(grep -c '^link:' "$TMP/ids")
	expect_eq "while running: one link per program (-t signal: 4 proc_ + 2 signal_ programs)" "$nprog $nlink" "6 6"
	expect_eq "while running: bpftool sees all of its programs, links and maps" "$(bpf_alive "$TMP/ids")" "$(wc -l <"$TMP/ids")"
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	left=1
	for i in $(seq 1 50); do
		left=$(bpf_alive "$TMP/ids")
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	expect_eq "after SIGKILL: none of its programs, links or maps is left" "$left" 0
fi

# --- ipcsnoop killed while COMMAND waits at its gate: COMMAND dies with it, never runs untraced
"$IPCSNOOP" -v -t signal -o /dev/null -- touch "$TMP/gate-ran" 2>"$TMP/gate.err" &
G=$!
child=""
for i in $(seq 1 100); do
	child=$(pgrep -P "$G" | head -1)
	[ -n "$child" ] && break
	sleep 0.01
done
kill -KILL "$G"
wait "$G" 2>/dev/null
sleep 0.3
if grep -q '^ipcsnoop: tracing' "$TMP/gate.err"; then
	skip "gate: ipcsnoop was already tracing when killed (setup faster than the test)"
elif [ -z "$child" ]; then
	skip "gate: did not see COMMAND's process in time"
else
	if [ -e "$TMP/gate-ran" ]; then fail "gate: COMMAND ran untraced after ipcsnoop was killed"; else pass "gate: COMMAND did not run after ipcsnoop was killed during setup"; fi
	state=$(awk '{ print $3 }' /proc/"$child"/stat 2>/dev/null)     # gone, or a zombie left to init
	if [ -z "$state" ] || [ "$state" = Z ]; then pass "gate: COMMAND's process died with ipcsnoop"; else fail "gate: COMMAND's process $child is still in state $state"; fi
fi

# --- two instances at once see the same edges and do not disturb each other
start_bg twoA -t signal -c signal_notes || fail "two instances: first did not start"
A=$BG_PID
start_bg twoB -t signal -c signal_notes || fail "two instances: second did not start"
B=$BG_PID
"$DEMOS/signal_notes" >"$TMP/two.demo"
sleep 0.5
# live: a quiet run shows its edges while running, not only at exit
P=$(awk '$1=="parent" {print $2}' "$TMP/two.demo") C=$(awk '$1=="child" {print $2}' "$TMP/two.demo")
pair="(.src.pid==$P and .dst.pid==$C) or (.src.pid==$C and .dst.pid==$P)"
expect_eq "live output: the demo's edges are out within 0.5 s, before the run ends" \
	"$(count twoA "$pair") $(count twoB "$pair")" "2 2"
kill -INT "$A" "$B"
wait "$A"; ra=$?
wait "$B"; rb=$?
expect_eq "two instances: both end cleanly" "$ra $rb" "0 0"
P=$(awk '$1=="parent" {print $2}' "$TMP/two.demo") C=$(awk '$1=="child" {print $2}' "$TMP/two.demo")
edges_of() { jq -c 'select(.type=="edge") | [.src.pid,.dst.pid,.signal,.action,.src.start_mono_ns]' "$TMP/$1.json" | sort; }
expect_eq "two instances: the first sees the demo's 2 edges" "$(edges_of twoA | grep -c "^\[\($P,$C\|$C,$P\),")" 2
expect_eq "two instances: both saw exactly the same edges" "$(edges_of twoA)" "$(edges_of twoB)"
expect_eq "two instances: neither lost anything" "$(jq -c 'select(.type=="lost")' "$TMP/twoA.json" "$TMP/twoB.json" | wc -l)" 0
