#!/usr/bin/env bash
# -s with SysV message queues: receives on a queue created while traced,
# whose every message type has one sender, are counted in the kernel (map
# msg_agg), not streamed; anything else switches the queue back to streaming
# after a handover of the messages still counted. Two instances watch the
# same workload, one streaming every edge (-j), one with -s; the summary rows
# (pids, tids, comms, start times, objects, counts, bytes) must be the same,
# and -v tells which records the -s one received (60 get, 61 send, 62 send
# done, 63 receive, 64 rmid, 65 handover). The demo runs under a name of this
# run (comm m<PID>agg): other sessions on the machine run the same demos.
. "$(dirname "$0")/lib.sh"
require_root "msg summary tests"
require_kind msg
require_cmd jq "msg summary tests" || exit 0

ROW=$(summary_row_fields msg)

# the per-message msg records (send, send done, receive, handover) instance $1 received
per_message() {
	echo $(( $(received "$1" 61) + $(received "$1" 62) + $(received "$1" 63) + $(received "$1" 65) ))
}

# no_per_message NAME DESC: instance NAME-s received no per-message msg record
no_per_message() {
	local n
	n=$(per_message "$1-s")
	if [ "$n" = 0 ]; then
		pass "$2: -s: no per-message msg record"
	else
		fail "$2: -s: no per-message msg record: got '$n', want '0' ($(grep 'by type' "$TMP/$1-s.err"))"
	fi
}

COMM="m$$agg"
COMM=${COMM:0:15}
ln -sf "$DEMOS/msgq_agg" "$TMP/$COMM"
DEMO=$TMP/$COMM

# both NAME [OPTIONS...] -- ARGS...: the demo with ARGS, watched streaming and with -s
both() {
	local name=$1
	shift
	local extra=()
	while [ "$1" != -- ]; do extra+=("$1"); shift; done
	shift
	summary_both msg "$COMM" "$name" "${extra[@]}" -- "$DEMO" "$@"
}

# same_rows NAME N: the -s summary has exactly the streamed run's N msg rows
same_rows() {
	summary_same_rows msg "$1" "$2"
	if [ "$(received "$1-ev" 61)" -gt 0 ] && [ "$(received "$1-ev" 63)" -gt 0 ]; then
		pass "$1: the streaming run received send and receive records"
	else
		fail "$1: the streaming run received no send/receive record: $(grep 'by type' "$TMP/$1-ev.err")"
	fi
}

row() {
	summary_row msg "$1" "$2"
}

# --- one sender per type, both ways on one queue: all counted in the kernel
N=2000
both pp -- pingpong $N
P=$(pid_of pp parent) C=$(pid_of pp child)
same_rows pp 2
expect_eq "pingpong: parent -> child $N x 8 bytes" "$(row pp ".src.pid==$P and .dst.pid==$C")" "[$N,$((N * 8))]"
expect_eq "pingpong: child -> parent $N x 8 bytes" "$(row pp ".src.pid==$C and .dst.pid==$P")" "[$N,$((N * 8))]"
no_per_message pp "pingpong"
expect_eq "pingpong: -s: the queue's get and rmid records still streamed" \
	"$(received pp-s 60) $(received pp-s 64)" "1 1"

# --- two senders of one type taking turns on an emptied queue: the owner changes, still counted
both alt -- alt
P=$(pid_of alt parent) W1=$(pid_of alt writer1) W2=$(pid_of alt writer2)
same_rows alt 2
expect_eq "alt: writer1 -> parent 3 x 5 bytes" "$(row alt ".src.pid==$W1 and .dst.pid==$P")" "[3,15]"
expect_eq "alt: writer2 -> parent 3 x 6 bytes" "$(row alt ".src.pid==$W2 and .dst.pid==$P")" "[3,18]"
no_per_message alt "alt"

# --- two senders' messages of one type queued at once: handed over, then streamed
both mixed -- mixed
P=$(pid_of mixed parent) W1=$(pid_of mixed writer1) W2=$(pid_of mixed writer2)
same_rows mixed 2
expect_eq "mixed: writer1's 5 bytes" "$(row mixed ".src.pid==$W1 and .dst.pid==$P")" "[1,5]"
expect_eq "mixed: writer2's 6 bytes" "$(row mixed ".src.pid==$W2 and .dst.pid==$P")" "[1,6]"
expect_eq "mixed: -s: one handover, then writer2's send (entry, exit) and both receives streamed" \
	"$(for t in 65 61 62 63; do received mixed-s $t; done | tr '\n' ' ')" "1 1 1 2 "

# --- the sender exits before its message is received
both exitfirst -- exitfirst
P=$(pid_of exitfirst parent) C=$(pid_of exitfirst child)
same_rows exitfirst 1
expect_eq "exitfirst: child -> parent 12 bytes after the child exited" \
	"$(row exitfirst ".src.pid==$C and .dst.pid==$P")" "[1,12]"
no_per_message exitfirst "exitfirst"

# --- MSG_COPY: the queue goes back to streaming
both copy -- copy
P=$(pid_of copy parent)
if grep -q "copy unsupported" "$TMP/copy.out"; then
	skip "copy: MSG_COPY needs CONFIG_CHECKPOINT_RESTORE (this kernel returns ENOSYS)"
else
	same_rows copy 1
	expect_eq "copy: the peek and the receive, 7 bytes each" "$(row copy ".src.pid==$P and .dst.pid==$P")" "[2,14]"
	expect_eq "copy: -s: one handover, then the copy and the receive streamed" \
		"$(for t in 65 61 63; do received copy-s $t; done | tr '\n' ' ')" "1 0 2 "
fi

# --- a queue made by a process the filter leaves out: streamed from the start
both othermade -- othermade
P=$(pid_of othermade parent) O=$(pid_of othermade other)
same_rows othermade 1
expect_eq "othermade: parent -> other 4 bytes" "$(row othermade ".src.pid==$P and .dst.pid==$O")" "[1,4]"
expect_eq "othermade: -s: streamed, no handover" \
	"$(for t in 65 61 63; do received othermade-s $t; done | tr '\n' ' ')" "0 1 1 "

# --- a queue that existed before tracing (msgget without IPC_EXCL): streamed
KEY=$(( 0x5e000000 + ($$ & 0xffff) ))
"$DEMO" keymake $KEY >/dev/null || fail "keymake: could not make the queue"
both keyed -- keyuse $KEY
P=$(pid_of keyed parent)
same_rows keyed 2
expect_eq "keyed: the 9 bytes of before have no known sender" \
	"$(row keyed ".src.known==false and .dst.pid==$P")" "[1,9]"
expect_eq "keyed: the parent's own 4 bytes" "$(row keyed ".src.pid==$P and .dst.pid==$P")" "[1,4]"
expect_eq "keyed: -s: streamed, no handover" "$(received keyed-s 65) $(received keyed-s 63)" "0 2"
ipcrm -Q $KEY 2>/dev/null

# --- -i: the kernel's counts are read every interval
both iv -i 1 -- pingpong 300
same_rows iv 2
expect_eq "-i: the intervals add up to the total" \
	"$(summary_sum_rows msg iv-s interval)" "$(summary_sum_rows msg iv-s total)"

# --- the kernel's table full (8192 rows): those queues stream; nothing lost
N=9000
both many --ringbuf $((64 << 20)) -- many $N
expect_eq "many: $N rows, one per queue, streamed" \
	"$(jq -c 'select(.type=="summary" and .kind=="msg")' "$TMP/many-ev.json" | wc -l)" $N
expect_eq "many: -s: the same $N rows" "$(jq -r "$ROW" "$TMP/many-s.json" | sort | md5sum)" \
	"$(jq -r "$ROW" "$TMP/many-ev.json" | sort | md5sum)"
streamed=$(sed -n "s/^ipcsnoop: warning: \([0-9]*\) SysV message receives found the kernel's table full.*/\1/p" "$TMP/many-s.err")
if [ -n "$streamed" ] && [ "$streamed" -gt 0 ] && [ "$(received many-s 65)" = "$streamed" ]; then
	pass "many: -s: table full: $streamed queues handed over and streamed, said on stderr"
else
	fail "many: -s: expected a 'table full' warning matching the handovers: '$streamed', $(received many-s 65) handovers"
fi
expect_eq "many: -s: nothing lost" "$(jq -c 'select(.type=="lost")' "$TMP/many-s.json" | wc -l)" 0
