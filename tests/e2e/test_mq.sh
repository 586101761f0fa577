#!/usr/bin/env bash
# POSIX message queues end to end: sender -> receiver per message in the
# queue's priority order, failed calls move nothing, messages queued before
# tracing have no invented sender.
. "$(dirname "$0")/lib.sh"
require_root "mq tests"
require_kind mq
MSG='.kind=="mq" and .op=="message" and .object=="/ipcsnoop-demo" and .name=="/ipcsnoop-demo"'

"$DEMOS/mq_demo" clean
trace demo -t mq -x 8 -- "$DEMOS/mq_demo"
expect_eq "demo: exit status is the command's" "$RC" 0
S=$(pid_of demo S) R=$(pid_of demo R) T=$(pid_of demo T)
expect_valid_json demo
expect_edges demo "demo: S -> R priority 9 twice, in send order" \
	"$MSG and .src.pid==$S and .dst.pid==$R and .prio==9 and .exact==true" 2
expect_eq "demo: the two priority-9 messages arrive high, then high-2" \
	"$(jq -r "select($MSG and .prio==9) | .data | @base64d | rtrimstr(\"\u0000\")" "$TMP/demo.json" | tr '\n' ' ')" "high high-2 "
expect_edges demo "demo: S -> R priority 5 (mid, 4 bytes)" "$MSG and .src.pid==$S and .dst.pid==$R and .prio==5 and .bytes==4" 1
expect_edges demo "demo: S -> R priority 1 (low, 4 bytes)" "$MSG and .src.pid==$S and .dst.pid==$R and .prio==1 and .bytes==4" 1
expect_eq "demo: received in priority order" \
	"$(jq -r "select($MSG and .src.pid==$S) | .prio" "$TMP/demo.json" | tr '\n' ' ')" "9 9 5 1 "
expect_edges demo "demo: T -> R priority 3, R waited for it" "$MSG and .src.pid==$T and .dst.pid==$R and .prio==3 and .waited==true" 1
expect_edges demo "demo: 5 messages in all, all exact" "$MSG and .exact==true" 5
expect_edges demo "demo: the EAGAIN receive moved nothing" ".op==\"message\" and .src.known==false" 0
expect_edges demo "demo: opens shown (creator, S, R twice, T)" ".op==\"open\" and .result==\"ok\" and .object==\"/ipcsnoop-demo\"" 5
expect_edges demo "demo: the creator's open has O_CREAT|O_EXCL" ".op==\"open\" and .flags==\"O_RDWR|O_CREAT|O_EXCL\"" 1
expect_edges demo "demo: unlinks shown (the leftover check, the end)" ".op==\"unlink\" and .object==\"/ipcsnoop-demo\"" 2

# --- a message queued before tracing: its receiver is known, its sender is not
"$DEMOS/mq_demo" prefill
trace pre -t mq -- "$DEMOS/mq_demo" drain
expect_edges pre "pre-existing: received with no sender invented" \
	"$MSG and .src.known==false and .sender==\"before-tracing\" and .prio==2 and .bytes==4 and .dst.comm==\"mq_demo\"" 1
expect_edges pre "pre-existing: one message" "$MSG" 1
"$DEMOS/mq_demo" clean
