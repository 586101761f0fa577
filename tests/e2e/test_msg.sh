#!/usr/bin/env bash
# SysV message queues end to end: exact sender -> receiver pairs, counts, and
# edges that must not appear.
. "$(dirname "$0")/lib.sh"
require_root "msg tests"
require_kind msg
MSG='.kind=="msg" and .op=="message"'

# --- the IPC notes: A and B, unrelated, key 1234
"$DEMOS/msgq_notes" clean
trace notes -t msg -- "$DEMOS/msgq_notes"
expect_eq "notes: exit status is the command's" "$RC" 0
A=$(pid_of notes A) B=$(pid_of notes B)
expect_valid_json notes
expect_edges notes "notes: A -> B, key 1234, mtype 1, 21 bytes, exact" \
	"$MSG and .src.pid==$A and .dst.pid==$B and .src.comm==\"msgq_notes\" and .dst.comm==\"msgq_notes\" and (.object|test(\"^msq key=0x000004d2 id=[0-9]+\$\")) and .key==\"0x000004d2\" and .mtype==1 and .msgtyp==1 and .bytes==21 and .size==21 and .truncated==false and .exact==true" 1
expect_edges notes "notes: one message in all" "$MSG" 1
expect_edges notes "notes: never B -> A" ".src.pid==$B and .dst.pid==$A" 0
expect_edges notes "notes: the queue's removal is shown" ".op==\"rmid\" and (.object|startswith(\"msq key=0x000004d2\"))" 1
expect_edges notes "notes: nothing but msg edges" ".kind!=\"msg\"" 0

# --- msgrcv's choices, failures, truncation, two racing senders (payload shown with -x)
trace types -t msg -x 16 -- "$DEMOS/msgq_types"
expect_eq "types: exit status" "$RC" 0
R=$(pid_of types R) S1=$(pid_of types S1) S2=$(pid_of types S2) S3=$(pid_of types S3) S4=$(pid_of types S4)
P="$MSG and .dst.pid==$R and .exact==true and (.object|test(\"^msq key=IPC_PRIVATE id=[0-9]+\$\"))"
expect_edges types "types: msgtyp 1 gets S1's type 1" "$P and .src.pid==$S1 and .mtype==1 and .msgtyp==1 and .bytes==7" 1
expect_edges types "types: msgtyp -2 gets S2's type 1 (lowest type)" "$P and .src.pid==$S2 and .mtype==1 and .msgtyp==-2" 1
expect_edges types "types: MSG_EXCEPT 3 gets S2's type 2" "$P and .src.pid==$S2 and .mtype==2 and .msgtyp==3" 1
expect_edges types "types: MSG_NOERROR truncation of S1's type 3 (9 -> 4 bytes)" \
	"$P and .src.pid==$S1 and .mtype==3 and .bytes==4 and .size==9 and .truncated==true" 1
expect_edges types "types: the message sent to a full queue after an EAGAIN" "$P and .src.pid==$R and .mtype==9 and .bytes==16" 1
expect_edges types "types: 50 racing messages from S3, each carrying S3's text" \
	"$P and .src.pid==$S3 and .mtype==5 and (.data|@base64d|startswith(\"S3-\"))" 50
expect_edges types "types: 50 racing messages from S4, each carrying S4's text" \
	"$P and .src.pid==$S4 and .mtype==5 and (.data|@base64d|startswith(\"S4-\"))" 50
expect_edges types "types: no message credited to the wrong racer" \
	"$MSG and ((.src.pid==$S3 and (.data|@base64d|startswith(\"S4-\"))) or (.src.pid==$S4 and (.data|@base64d|startswith(\"S3-\"))))" 0
expect_edges types "types: 105 messages in all, no failed call among them" "$MSG" 105
expect_edges types "types: every message exact, every sender known" "$MSG and .exact==true and .src.known!=false" 105
expect_edges types "types: S1 never sent type 2" "$MSG and .src.pid==$S1 and .mtype==2" 0
expect_edges types "types: only R receives" "$MSG and .dst.pid!=$R" 0
if grep -q 'could not be paired\|evicted' "$TMP/types.err"; then
	fail "types: ipcsnoop reported lost pairings: $(grep ipcsnoop "$TMP/types.err" | head -2)"
else
	pass "types: nothing lost or given up"
fi

# --- a message queued before tracing started: received from an unknown sender
"$DEMOS/msgq_notes" clean
"$DEMOS/msgq_notes" A >/dev/null
trace pre -t msg -- "$DEMOS/msgq_notes" B
expect_edges pre "pre-existing: received with no sender invented" \
	"$MSG and .src.known==false and .sender==\"before-tracing\" and .dst.comm==\"msgq_notes\" and .mtype==1 and .bytes==21 and (.object|startswith(\"msq key=0x000004d2 id=\"))" 1
expect_edges pre "pre-existing: one message in all" "$MSG" 1
"$DEMOS/msgq_notes" clean

# --- whole machine with -p: a receiver waiting since before tracing started,
# a sender outside the filter; other queues' traffic is not shown
"$DEMOS/msgq_notes" B >"$TMP/waiting.out" &
WB=$!
sleep 0.3
start_bg filt -t msg -p "$WB"
"$DEMOS/msgq_notes" A >/dev/null &
WA=$!
wait "$WA"
"$DEMOS/msgq_types" >/dev/null
wait "$WB"
sleep 0.3
stop_bg INT
expect_eq "filter: SIGINT ends the run with status 0" "$RC" 0
MR=$(hook_backend "msg receive")
if [ "$MR" != tracepoints ]; then
	skip "filter: the receiver waiting since before: msg receives on $MR: $IN_FLIGHT_WHY"
else
	expect_edges filt "filter: the sender outside the filter -> the selected receiver, waiting since before" \
		"$MSG and .src.pid==$WA and .dst.pid==$WB and .mtype==1 and .bytes==21 and .waited==true" 1
fi
expect_edges filt "filter: unrelated queues are not shown" ".src.comm==\"msgq_types\" or .dst.comm==\"msgq_types\"" 0
"$DEMOS/msgq_notes" clean

# --- COMMAND is the sender; the receiver, outside the filter, waits since
# before tracing started (seen only at its exit: kept because the selected
# sender made the queue one of interest)
"$DEMOS/msgq_notes" B >"$TMP/waitb.out" &
WB=$!
sleep 0.3
trace cmdsnd -t msg -- "$DEMOS/msgq_notes" A
wait "$WB"
MR=$(hook_backend "msg receive")
if [ "$MR" != tracepoints ]; then
	skip "filter: the receiver outside the filter, waiting since before: msg receives on $MR: $IN_FLIGHT_WHY"
else
	expect_edges cmdsnd "filter: the selected sender -> the receiver outside the filter, waiting since before" \
		"$MSG and .src.comm==\"msgq_notes\" and .dst.pid==$WB and .mtype==1 and .bytes==21 and .waited==true" 1
fi
"$DEMOS/msgq_notes" clean

# --- with a filter, another process's queue traffic is not even recorded in the kernel
sleep 30 & BYSTANDER=$!
start_bg quiet -t msg -p "$BYSTANDER"
"$DEMOS/msgq_types" >/dev/null
stop_bg INT
kill "$BYSTANDER" 2>/dev/null; wait "$BYSTANDER" 2>/dev/null
records=$(sed -n 's/^ipcsnoop: \([0-9]*\) records.*/\1/p' "$TMP/quiet.err")
if [ -n "$records" ] && [ "$records" -le 10 ]; then
	pass "filter: unrelated queue traffic costs no record ($records records for 100+ messages)"
else
	fail "filter: unrelated queue traffic was recorded: '$records' records"
fi
"$DEMOS/msgq_notes" clean
