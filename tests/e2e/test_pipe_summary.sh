#!/usr/bin/env bash
# -s with pipes: reads of a pipe whose bytes are all one writer's are counted
# in the kernel (map pipe_agg), not streamed; anything else switches the pipe
# back to streaming after a handover of the writer's bytes. Two instances
# watch the same workload, one streaming every edge (-j), one with -s; the
# summary rows (pids, tids, comms, start times, objects, counts, bytes) must be
# the same, and -v tells which records the -s one received (20 seen, 21 write
# begin, 22 write end, 23 read, 24 handover). The demo runs under a name of
# this run (comm p<PID>agg): other sessions on the machine run the same demos.
. "$(dirname "$0")/lib.sh"
require_root "pipe summary tests"
require_kind pipe
require_cmd jq "pipe summary tests" || exit 0

ROW=$(summary_row_fields pipe)

# the per-message pipe records (begin, end, read) instance $1 received
per_message() {
	echo $(( $(received "$1" 21) + $(received "$1" 22) + $(received "$1" 23) ))
}

# no_per_message NAME DESC: instance NAME-s received no per-message pipe record
# (on failure: what it received, by type, and its summary's handover count)
no_per_message() {
	local n
	n=$(per_message "$1-s")
	if [ "$n" = 0 ]; then
		pass "$2: -s: no per-message pipe record"
	else
		fail "$2: -s: no per-message pipe record: got '$n', want '0' ($(grep 'by type' "$TMP/$1-s.err"))"
	fi
}

COMM="p$$agg"
COMM=${COMM:0:15}
ln -sf "$DEMOS/pipe_agg" "$TMP/$COMM"
DEMO=$TMP/$COMM

# both NAME [OPTIONS...] -- ARGS...: run the demo with ARGS while two whole-machine
# instances filtered to its comm watch it, NAME-ev streaming and NAME-s with -s.
both() {
	local name=$1
	shift
	local extra=()
	while [ "$1" != -- ]; do extra+=("$1"); shift; done
	shift
	summary_both pipe "$COMM" "$name" "${extra[@]}" -- "$DEMO" "$@"
}

# same_rows NAME N: the -s summary has exactly the streamed run's N pipe rows
same_rows() {
	summary_same_rows pipe "$1" "$2"
	if [ "$(per_message "$1-ev")" -gt 0 ]; then
		pass "$1: the streaming run received per-message pipe records ($(per_message "$1-ev"))"
	else
		fail "$1: the streaming run received no pipe record: $(grep 'by type' "$TMP/$1-ev.err")"
	fi
}

# row NAME 'jq condition': the -s summary rows that satisfy it, as [count,bytes] lines
row() {
	summary_row pipe "$1" "$2"
}

# --- one writer, one reader, both ways: all counted in the kernel
N=2000
both pp -- pingpong $N
P=$(pid_of pp parent) C=$(pid_of pp child)
same_rows pp 2
expect_eq "pingpong: parent -> child $N x 8 bytes" "$(row pp ".src.pid==$P and .dst.pid==$C")" "[$N,$((N * 8))]"
expect_eq "pingpong: child -> parent $N x 8 bytes" "$(row pp ".src.pid==$C and .dst.pid==$P")" "[$N,$((N * 8))]"
no_per_message pp "pingpong"
expect_eq "pingpong: -s: no handover" "$(received pp-s 24)" 0

# --- many writes, one read: one edge; one write, many reads: one edge per read
both bulk -- bulk
P=$(pid_of bulk parent) C=$(pid_of bulk child)
same_rows bulk 1
expect_eq "bulk: 3 writes taken by one read: count 1, 30 bytes" "$(row bulk ".src.pid==$P and .dst.pid==$C")" "[1,30]"
no_per_message bulk "bulk"
both split -- split
P=$(pid_of split parent) C=$(pid_of split child)
same_rows split 1
expect_eq "split: one write read in 3 reads: count 3, 30 bytes" "$(row split ".src.pid==$P and .dst.pid==$C")" "[3,30]"
no_per_message split "split"

# --- two writers taking turns on an emptied pipe: the owner changes, still counted
both alt -- alt
P=$(pid_of alt parent) W1=$(pid_of alt writer1) W2=$(pid_of alt writer2)
same_rows alt 2
expect_eq "alt: writer1 -> parent 3 x 5 bytes" "$(row alt ".src.pid==$W1 and .dst.pid==$P")" "[3,15]"
expect_eq "alt: writer2 -> parent 3 x 6 bytes" "$(row alt ".src.pid==$W2 and .dst.pid==$P")" "[3,18]"
no_per_message alt "alt"

# --- two writers' bytes in the pipe at once: handed over, then streamed
both mixed -- mixed
P=$(pid_of mixed parent) W1=$(pid_of mixed writer1) W2=$(pid_of mixed writer2)
same_rows mixed 2
expect_eq "mixed: one read: writer1's 5 bytes" "$(row mixed ".src.pid==$W1 and .dst.pid==$P")" "[1,5]"
expect_eq "mixed: one read: writer2's 6 bytes" "$(row mixed ".src.pid==$W2 and .dst.pid==$P")" "[1,6]"
expect_eq "mixed: -s: one handover, then writer2's write and the read streamed" \
	"$(for t in 24 21 22 23; do received mixed-s $t; done | tr '\n' ' ')" "1 1 1 1 "

# --- the writer exits before its bytes are read
both exitfirst -- exitfirst
P=$(pid_of exitfirst parent) C=$(pid_of exitfirst child)
same_rows exitfirst 1
expect_eq "exitfirst: child -> parent 12 bytes after the child exited" "$(row exitfirst ".src.pid==$C and .dst.pid==$P")" "[1,12]"
no_per_message exitfirst "exitfirst"

# --- bytes of a process not traced first: the pipe streams from its first traced write
both preexist -- preexist
P=$(pid_of preexist parent)
same_rows preexist 2
expect_eq "preexist: the 9 bytes of before have no known writer" "$(row preexist ".src.known==false and .dst.pid==$P")" "[1,9]"
expect_eq "preexist: the parent's own 4 bytes" "$(row preexist ".src.pid==$P and .dst.pid==$P")" "[1,4]"
expect_eq "preexist: -s: streamed, no handover" "$(received preexist-s 24)" 0

# --- splice in the middle: counted, handed over (nothing pending), streamed;
#     then 6 written + 4 spliced read at once: one edge of 10 bytes
both splice -- splice "$TMP/splice.src"
P=$(pid_of splice parent) C=$(pid_of splice child)
same_rows splice 1
expect_eq "splice: parent -> child: 4 reads, 32 bytes" "$(row splice ".src.pid==$P and .dst.pid==$C")" "[4,32]"
expect_eq "splice: -s: one handover" "$(received splice-s 24)" 1
expect_eq "splice: -s: the first write and read were not streamed (3 reads streamed)" "$(received splice-s 23)" 3

# --- bytes nobody read: the same "unread" row
both unread -- unread
P=$(pid_of unread parent)
same_rows unread 1
expect_eq "unread: 20 bytes, no reader" "$(row unread ".src.pid==$P and .dst.known==false")" "[1,20]"
no_per_message unread "unread"

# --- -i: the kernel's counts are read every interval
both iv -i 1 -- pingpong 300
same_rows iv 2
expect_eq "-i: the intervals add up to the total" "$(summary_sum_rows pipe iv-s interval)" "$(summary_sum_rows pipe iv-s total)"

# --- the kernel's table full (8192 rows): the rest is streamed; nothing lost
N=10000
both many --ringbuf $((64 << 20)) -- many $N
expect_eq "many: $N rows, one per pipe, streamed" "$(jq -c 'select(.type=="summary" and .kind=="pipe")' "$TMP/many-ev.json" | wc -l)" $N
expect_eq "many: -s: the same $N rows" "$(jq -r "$ROW" "$TMP/many-s.json" | sort | md5sum)" "$(jq -r "$ROW" "$TMP/many-ev.json" | sort | md5sum)"
streamed=$(sed -n 's/^ipcsnoop: warning: \([0-9]*\) pipe reads streamed.*table was full.*/\1/p' "$TMP/many-s.err")
if [ -n "$streamed" ] && [ "$streamed" -gt 0 ] && [ "$(received many-s 23)" = "$streamed" ]; then
	pass "many: -s: table full: $streamed reads streamed instead, said on stderr"
else
	fail "many: -s: expected a 'table was full' warning matching the read records: '$streamed', $(received many-s 23) reads"
fi
expect_eq "many: -s: nothing lost" "$(jq -c 'select(.type=="lost")' "$TMP/many-s.json" | wc -l)" 0
