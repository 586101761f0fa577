#!/usr/bin/env bash
# SysV shared memory end to end: attach events with who is attached, "shares"
# edges (undirected), fork inheritance, exit/shmdt detaches, IPC_RMID, and
# segments attached before tracing started.
. "$(dirname "$0")/lib.sh"
require_root "shm tests"
require_kind shm
SEG='(.object|test("^shm key=0x000004d2 id=[0-9]+$")) and .key=="0x000004d2" and .size==4096'

# --- the IPC notes: W writes "Linux Programming", R prints it; C is W's short-lived child
"$DEMOS/shm_notes" clean
trace notes -t shm -- "$DEMOS/shm_notes"
expect_eq "notes: exit status is the command's" "$RC" 0
W=$(pid_of notes W) C=$(pid_of notes C) R=$(pid_of notes R)
expect_valid_json notes
if grep -qx "Linux Programming" "$TMP/notes.out"; then pass "notes: R printed what W wrote"; else fail "notes: R did not print the text"; fi
expect_edges notes "notes: W attaches alone" \
	".op==\"attach\" and .src.pid==$W and .dst.pid==$W and .via==\"shmat\" and .nattach==1 and .attached==\"$W\" and $SEG" 1
expect_edges notes "notes: C inherits the attachment at fork" \
	".op==\"attach\" and .src.pid==$C and .via==\"fork\" and .nattach==2 and .attached==\"$W,$C\" and $SEG" 1
expect_edges notes "notes: C shares the segment with W (undirected)" \
	".op==\"shares\" and .src.pid==$C and .dst.pid==$W and .undirected==true and $SEG" 1
expect_edges notes "notes: C's exit detaches it" ".op==\"detach\" and .src.pid==$C and .reason==\"exit\" and .attached==\"$W\"" 1
expect_edges notes "notes: R attaches next to W" \
	".op==\"attach\" and .src.pid==$R and .via==\"shmat\" and .nattach==2 and .attached==\"$W,$R\" and $SEG" 1
expect_edges notes "notes: R shares the segment with W" \
	".op==\"shares\" and .src.pid==$R and .dst.pid==$W and .undirected==true and .via==\"shmat\" and $SEG" 1
expect_edges notes "notes: R and W detach with shmdt" ".op==\"detach\" and .reason==\"shmdt\" and (.src.pid==$R or .src.pid==$W)" 2
expect_edges notes "notes: IPC_RMID shown, nobody attached" ".op==\"rmid\" and .nattach==0 and $SEG" 1
expect_edges notes "notes: 2 shares edges in all" ".op==\"shares\"" 2
expect_edges notes "notes: R never shares with C" \
	".op==\"shares\" and ((.src.pid==$R and .dst.pid==$C) or (.src.pid==$C and .dst.pid==$R))" 0
expect_edges notes "notes: the launcher never attaches" \
	"(.op==\"attach\" or .op==\"shares\") and (.src.pid!=$W and .src.pid!=$C and .src.pid!=$R)" 0
expect_edges notes "notes: 9 shm edges in all" ".kind==\"shm\"" 9

# --- a segment attached before tracing started, by a process outside COMMAND
"$DEMOS/shm_notes" clean
"$DEMOS/shm_notes" hold 30 >"$TMP/hold.out" &
HOLD=$!
for i in $(seq 1 100); do grep -q '^H ' "$TMP/hold.out" && break; sleep 0.05; done
trace pre -t shm -- "$DEMOS/shm_notes" read
if grep -qx "Linux Programming" "$TMP/pre.out"; then pass "pre-existing: read the holder's text"; else fail "pre-existing: text not read"; fi
expect_edges pre "pre-existing: the attach names the holder found at start-up" \
	".op==\"attach\" and .nattach==2 and (.attached|startswith(\"$HOLD,\")) and $SEG" 1
expect_edges pre "pre-existing: shares with the holder" \
	".op==\"shares\" and .dst.pid==$HOLD and .dst.comm==\"shm_notes\" and .undirected==true" 1

# --- whole machine, -p HOLDER: an unselected reader's shares edge is kept, its own events are not
start_bg filt -t shm -p "$HOLD"
"$DEMOS/shm_notes" read >/dev/null &
RD=$!
wait "$RD"
sleep 0.3
stop_bg INT
expect_edges filt "filter -p: reader -> holder shares edge kept" ".op==\"shares\" and .src.pid==$RD and .dst.pid==$HOLD" 1
expect_edges filt "filter -p: the unselected reader's attach/detach events are not" \
	"(.op==\"attach\" or .op==\"detach\") and .src.pid==$RD" 0
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
"$DEMOS/shm_notes" clean
