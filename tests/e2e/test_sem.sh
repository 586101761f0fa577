#!/usr/bin/env bash
# SysV semaphores end to end: operations per set and semaphore, and the exact
# releaser -> waiter edges (semop, SEM_UNDO at exit), none for operations that
# did not block.
. "$(dirname "$0")/lib.sh"
require_root "sem tests"
require_kind sem

"$DEMOS/sem_prodcons" clean
trace pc -t sem -- "$DEMOS/sem_prodcons"
expect_eq "prodcons: exit status is the command's" "$RC" 0
P=$(pid_of pc P) C=$(pid_of pc C)
expect_valid_json pc
SET='(.object|test("^sem key=0x000004d2 id=[0-9]+$")) and .key=="0x000004d2"'
REL='.kind=="sem" and .op=="release" and .exact==true'
expect_edges pc "prodcons: 3 x P's V on sem 0 releases C's blocked P" \
	"$REL and .src.pid==$P and .dst.pid==$C and .sem_num==0 and .ops==\"0:-1\" and .releaser_ops==\"0:+1\" and .via==\"semop\" and $SET" 3
expect_edges pc "prodcons: C's V on sem 1 releases P" \
	"$REL and .src.pid==$C and .dst.pid==$P and .sem_num==1 and .ops==\"1:-1\" and .releaser_ops==\"1:+1\" and .via==\"semop\"" 1
expect_edges pc "prodcons: C's exit undoes its lock and releases P" \
	"$REL and .src.pid==$C and .dst.pid==$P and .sem_num==2 and .via==\"exit\" and .releaser_ops==\"exit (SEM_UNDO)\"" 1
expect_edges pc "prodcons: 5 release edges in all" ".op==\"release\"" 5
expect_edges pc "prodcons: every operation is shown (6 by P, 6 by C)" \
	".op==\"semop\" and .src.pid==.dst.pid and (.src.pid==$P or .src.pid==$C) and .result==\"ok\"" 12
expect_edges pc "prodcons: 5 of them blocked" ".op==\"semop\" and .blocked==true" 5
expect_edges pc "prodcons: C's first P did not block (the item was there)" \
	".op==\"semop\" and .src.pid==$C and .ops==\"0:-1\" and .blocked==false" 1
expect_edges pc "prodcons: SEM_UNDO shown in the lock operation" ".op==\"semop\" and .src.pid==$C and .ops==\"2:-1u\"" 1
expect_edges pc "prodcons: SETVAL and IPC_RMID shown" \
	"(.op==\"setval\" and .sem_num==2 and .value==1) or .op==\"rmid\"" 2
expect_edges pc "prodcons: nobody releases itself" ".op==\"release\" and .src.pid==.dst.pid" 0
if grep -q 'could not be paired' "$TMP/pc.err"; then
	fail "prodcons: a blocked operation had no releaser: $(grep ipcsnoop "$TMP/pc.err" | head -2)"
else
	pass "prodcons: every blocked operation has its releaser"
fi

# --- whole machine, -p P only (its child C is not selected): every release
# has P at one end and is kept; only P's own operations are shown
"$DEMOS/sem_prodcons" clean
sh -c "while [ ! -e '$TMP/filt.go' ]; do sleep 0.05; done; exec '$DEMOS/sem_prodcons'" >"$TMP/filt.demo" &
FP=$!
start_bg filt -t sem -p "$FP"
touch "$TMP/filt.go"   # P starts once the tracer is attached, however long that took
wait "$FP"
sleep 0.3
stop_bg INT
FC=$(awk '$1 == "C" && $2 ~ /^[0-9]+$/ { print $2 }' "$TMP/filt.demo")
expect_edges filt "filter -p: P's releases of the unselected C are kept" \
	"$REL and .src.pid==$FP and .dst.pid==$FC" 3
expect_edges filt "filter -p: C's releases of P are kept" "$REL and .src.pid==$FC and .dst.pid==$FP" 2
expect_edges filt "filter -p: P's operations are shown" ".op==\"semop\" and .src.pid==$FP" 6
expect_edges filt "filter -p: C's own operations are not" ".op==\"semop\" and .src.pid==$FC" 0
