#!/usr/bin/env bash
# Pipes and FIFOs end to end: exact bytes per edge for the demos and for
# shell pipelines, pipe:[INODE] as /proc names it, FIFO paths, -x payloads,
# filters, and edges that must not appear.
. "$(dirname "$0")/lib.sh"
require_root "pipe tests"
require_cmd jq "pipe tests" || exit 0
require_cmd head "pipe tests" || exit 0   # coreutils head: reads no more than -c asks (busybox reads ahead)

# sum NAME 'jq condition': total bytes of the edges that satisfy it
sum() {
	jq -s "[.[] | select($2) | .bytes] | add // 0" "$TMP/$1.json"
}

# b64 STRING (printf format): its base64, as the JSON "data" field holds it
b64() {
	# shellcheck disable=SC2059
	printf "$1" | base64 -w0
}

# pattern FROM TO ALPHABET-START SIZE: the jq expression of pipe_multi's bytes
pattern() {
	echo "([range($1;$2)] | map($3 + . % $4) | implode)"
}

# --- the IPC notes' example: "Hello Child Process!" from parent to child
trace notes -t pipe -x 64 -- "$DEMOS/pipe_notes"
expect_eq "notes: exit status is the command's" "$RC" 0
P=$(pid_of notes parent) C=$(pid_of notes child) PIPE=$(pid_of notes pipe)
INO=${PIPE//[^0-9]/}
expect_valid_json notes
expect_edges notes "notes: parent -> child, 21 bytes, exact, over $PIPE (as /proc names it)" \
	".kind==\"pipe\" and .src.pid==$P and .dst.pid==$C and .bytes==21 and .exact and .object==\"$PIPE\" and .inode==$INO and .fifo==false and .src.comm==\"pipe_notes\" and .dst.comm==\"pipe_notes\" and .read_op==\"read\" and .write_op==\"write\" and .writes==1" 1
expect_edges notes "notes: -x 64 carries the message and its NUL, in base64" \
	".src.pid==$P and .data==\"$(b64 'Hello Child Process!\0')\"" 1
expect_edges notes "notes: exactly one edge" "true" 1
expect_eq "notes: the child printed what it read" "$(grep -c '^21 Hello Child Process!$' "$TMP/notes.out")" 1

# the same in the text output: escaped payload, bytes in the detail
"$IPCSNOOP" "${BACKEND_OPT[@]}" -t pipe -x 64 -o "$TMP/notes.txt" -- "$DEMOS/pipe_notes" >"$TMP/notes2.out" 2>&1
P=$(pid_of notes2 parent) C=$(pid_of notes2 child)
if grep -qE "^[0-9:.]+ +pipe +$P pipe_notes +-> +$C pipe_notes +pipe:\[[0-9]+\] +bytes=21 write->read writes=1 data=\"Hello Child Process!\\\\x00\"$" "$TMP/notes.txt"; then
	pass "notes: text output shows the edge and the escaped payload"
else
	fail "notes: text output: $(tail -n +2 "$TMP/notes.txt")"
fi

# without -x: no payload anywhere
trace nodata -t pipe -- "$DEMOS/pipe_notes"
expect_edges nodata "no -x: no data field" "has(\"data\")" 0
expect_edges nodata "no -x: the edge is still there" ".bytes==21 and .exact" 1

# --- a named FIFO between two unrelated processes
trace fifo -t pipe -x 16 -- "$DEMOS/pipe_fifo"
expect_eq "fifo: exit status" "$RC" 0
F=$(pid_of fifo fifo) W=$(pid_of fifo writer) R=$(pid_of fifo reader)
expect_eq "fifo: writer -> reader, 75 bytes in all" \
	"$(sum fifo ".src.pid==$W and .dst.pid==$R and .object==\"$F\" and .fifo and .exact and .src.comm==\"fifo_writer\" and .dst.comm==\"fifo_reader\"")" 75
expect_eq "fifo: from 3 writes" "$(jq -s "[.[] | select(.src.pid==$W) | .writes] | add" "$TMP/fifo.json")" 3
expect_edges fifo "fifo: every edge is named by the FIFO's path" ".object!=\"$F\"" 0
expect_edges fifo "fifo: no unknown end" ".src.known==false or .dst.known==false" 0
expect_eq "fifo: first payload is the first 16 bytes written" \
	"$(jq -rs '[.[] | select(.data)][0].data' "$TMP/fifo.json")" "$(b64 'first message th')"
expect_eq "fifo: the reader got everything" "$(grep -c '^reader got 75 bytes$' "$TMP/fifo.out")" 1

# --- several writers and readers on one pipe, partial reads, bytes never read
trace multi -t pipe -x 256 -- "$DEMOS/pipe_multi"
expect_eq "multi: exit status" "$RC" 0
PIPE=$(pid_of multi pipe) P=$(pid_of multi parent)
A=$(pid_of multi writer_a) B=$(pid_of multi writer_b) C=$(pid_of multi writer_c)
R1=$(pid_of multi reader_1) R2=$(pid_of multi reader_2) R3=$(pid_of multi reader_3)
on="(.object==\"$PIPE\" and .exact)"
expect_edges multi "multi: writer_a -> reader_1 100 bytes, a..z from 0" \
	"$on and .src.pid==$A and .dst.pid==$R1 and .bytes==100 and .writes==1 and (.data|@base64d)==$(pattern 0 100 97 26)" 1
expect_edges multi "multi: writer_a -> reader_2 200 bytes (capture ends at 256)" \
	"$on and .src.pid==$A and .dst.pid==$R2 and .bytes==200 and (.data|@base64d)==$(pattern 100 256 97 26)" 1
expect_edges multi "multi: writer_b -> reader_2 50 bytes (one read, two writers)" \
	"$on and .src.pid==$B and .dst.pid==$R2 and .bytes==50 and .writes==1 and (.data|@base64d)==$(pattern 0 50 65 26)" 1
expect_edges multi "multi: writer_b -> reader_1 150 bytes from 2 writes" \
	"$on and .src.pid==$B and .dst.pid==$R1 and .bytes==150 and .writes==2 and (.data|@base64d)==$(pattern 50 200 65 26)" 1
expect_edges multi "multi: writer_c -> reader_1 30 bytes" \
	"$on and .src.pid==$C and .dst.pid==$R1 and .bytes==30 and (.data|@base64d)==$(pattern 0 30 48 10)" 1
expect_edges multi "multi: writer_c -> reader_3 20 bytes" \
	"$on and .src.pid==$C and .dst.pid==$R3 and .bytes==20 and (.data|@base64d)==$(pattern 30 50 48 10)" 1
expect_edges multi "multi: the parent's 40 bytes reported unread at exit" \
	".object==\"$PIPE\" and .src.pid==$P and .dst.known==false and .bytes==40 and .unread and .reason==\"unread\" and .exact==false" 1
expect_edges multi "multi: 7 edges in all" "true" 7
expect_edges multi "multi: no reader credited by a writer it did not read" \
	"(.src.pid==$A and .dst.pid==$R3) or (.src.pid==$C and .dst.pid==$R2) or (.src.pid==$A and .dst.pid==$R1 and .bytes!=100)" 0

# --- splice, tee, vmsplice, sendfile, readv, pwritev2: the other ways in and out
trace splice -t pipe -x 8 -- "$DEMOS/pipe_splice"
expect_eq "splice: exit status" "$RC" 0
W=$(pid_of splice writer) M=$(pid_of splice mover) R=$(pid_of splice reader)
P1=$(pid_of splice p1) P2=$(pid_of splice p2) P3=$(pid_of splice p3) P4=$(pid_of splice p4)
expect_eq "splice: writer -> mover over p1, 1700 bytes taken by splice" \
	"$(sum splice ".src.pid==$W and .dst.pid==$M and .object==\"$P1\" and .read_op==\"splice\" and .exact")" 1700
expect_eq "splice: ... from 3 writes (write, vmsplice, pwritev2)" \
	"$(jq -s "[.[] | select(.object==\"$P1\") | .writes] | add" "$TMP/splice.json")" 3
expect_edges splice "splice: the first payload is the write()'s" \
	".object==\"$P1\" and .data==\"$(b64 wwwwwwww)\"" 1
expect_eq "splice: mover -> reader over p2, 1700 bytes spliced in, read()" \
	"$(sum splice ".src.pid==$M and .dst.pid==$R and .object==\"$P2\" and .write_op==\"splice\" and .read_op==\"read\" and .exact")" 1700
expect_eq "splice: mover -> reader over p3, 1700 bytes copied by tee, readv()" \
	"$(sum splice ".src.pid==$M and .dst.pid==$R and .object==\"$P3\" and .write_op==\"tee\" and .read_op==\"readv\" and .exact")" 1700
expect_eq "splice: mover -> reader over p4, 300 bytes by sendfile, out by vmsplice" \
	"$(sum splice ".src.pid==$M and .dst.pid==$R and .object==\"$P4\" and .write_op==\"sendfile\" and .read_op==\"vmsplice\" and .exact")" 300
expect_edges splice "splice: no unknown end, nothing unread" ".src.known==false or .dst.known==false" 0

# --- shell pipelines: exact bytes per edge
trace sh3 -t pipe -- sh -c 'head -c 100000 /dev/zero | cat | wc -c'
expect_eq "a|b|c: wc counted 100000" "$(tr -d ' ' <"$TMP/sh3.out")" 100000
expect_eq "a|b|c: head -> cat 100000 bytes" "$(sum sh3 '.src.comm=="head" and .dst.comm=="cat" and .exact')" 100000
expect_eq "a|b|c: cat -> wc 100000 bytes" "$(sum sh3 '.src.comm=="cat" and .dst.comm=="wc" and .exact')" 100000
expect_edges sh3 "a|b|c: nothing else (no unknown end, no other pair)" \
	'(.src.comm=="head" and .dst.comm=="cat") or (.src.comm=="cat" and .dst.comm=="wc") | not' 0

trace dd -t pipe -- sh -c 'dd if=/dev/zero bs=1000 count=7 status=none | dd bs=1000 of=/dev/null status=none'
expect_edges dd "dd | dd: seven 1000-byte edges, one write each" \
	'.src.comm=="dd" and .dst.comm=="dd" and .src.pid!=.dst.pid and .bytes==1000 and .writes==1 and .exact' 7
expect_edges dd "dd | dd: no other edge" "true" 7

# by path: a busybox sh (the test guests') runs its own head applet, not PATH's
HEAD=$(type -P head)
trace head -t pipe -- sh -c "$HEAD -c 4000 /dev/zero | $HEAD -c 2500 | wc -c"
H1=$(jq -s '[.[] | select(.src.comm=="head" and .dst.comm=="head")][0].src.pid' "$TMP/head.json")
expect_eq "head|head|wc: 2500 bytes head -> head" "$(sum head '.src.comm=="head" and .dst.comm=="head" and .exact')" 2500
expect_eq "head|head|wc: 2500 bytes head -> wc" "$(sum head '.src.comm=="head" and .dst.comm=="wc" and .exact')" 2500
expect_edges head "head|head|wc: the 1500 bytes the second head left are reported unread" \
	".src.pid==$H1 and .dst.known==false and .unread and .bytes==1500" 1

# pipe:[INODE] is the name /proc gives the pipe
trace proc -t pipe -- sh -c "printf abcdef | { readlink /proc/self/fd/0 >$TMP/ino.txt; cat >/dev/null; }"
expect_edges proc "/proc name: the 6 bytes are on the pipe readlink saw ($(cat "$TMP/ino.txt" 2>/dev/null))" \
	".object==\"$(cat "$TMP/ino.txt" 2>/dev/null)\" and .bytes==6 and .dst.comm==\"cat\" and .exact" 1

# --- filters (whole machine): -p keeps either end of a pipe, and nothing else
sleep 30 & UNRELATED=$!
start_bg unrel -t pipe -p "$UNRELATED"
"$DEMOS/pipe_notes" >/dev/null
sh -c 'echo hello | cat >/dev/null'
sleep 0.3
stop_bg INT
expect_eq "filter: SIGINT ends the run with status 0" "$RC" 0
expect_edges unrel "filter -p of an unrelated pid: no pipe edge at all" "true" 0
kill "$UNRELATED" 2>/dev/null
wait "$UNRELATED" 2>/dev/null

# -c matches a process name, at either end
start_bg ccomm -t pipe -c pipe_notes
"$DEMOS/pipe_notes" >"$TMP/ccomm.demo.out"
sh -c 'echo hello | cat >/dev/null'
sleep 0.3
stop_bg INT
expect_edges ccomm "filter -c pipe_notes: the demo's edge" ".src.comm==\"pipe_notes\" and .bytes==21 and .exact" 1
expect_edges ccomm "filter -c pipe_notes: nothing else" ".src.comm!=\"pipe_notes\" and .dst.comm!=\"pipe_notes\"" 0

# the writer is selected: the reader's side of its FIFO is kept too
mkfifo "$TMP/f1"
sh -c "while [ ! -e '$TMP/go1' ]; do sleep 0.05; done; exec '$DEMOS/pipe_fifo' writer '$TMP/f1'" &
WSEL=$!
start_bg wsel -t pipe -p "$WSEL"
touch "$TMP/go1"
"$DEMOS/pipe_fifo" reader "$TMP/f1" >"$TMP/wsel.reader" &
RUNSEL=$!
sh -c 'echo unrelated | cat >/dev/null'
wait "$WSEL" "$RUNSEL"
sleep 0.3
stop_bg INT
expect_eq "either end (-p writer): its 75 bytes to the unselected reader" \
	"$(sum wsel ".src.pid==$WSEL and .dst.pid==$RUNSEL and .object==\"$TMP/f1\" and .exact")" 75
expect_edges wsel "either end (-p writer): nothing else" ".src.pid!=$WSEL" 0

# the reader is selected and already blocked on its pipe: the writer's bytes are kept
RB=$(hook_backend "pipe read")
if [ "$RB" != tracepoints ]; then
	skip "either end (-p reader holding the pipe): pipe reads on $RB: $IN_FLIGHT_WHY"
else
sh -c "while [ ! -e '$TMP/go2' ]; do sleep 0.05; done; printf 0123456789" | cat >"$TMP/rsel.got" &
RSEL=$!
sleep 0.3
start_bg rsel -t pipe -p "$RSEL"
touch "$TMP/go2"
wait "$RSEL"
sleep 0.3
stop_bg INT
expect_edges rsel "either end (-p reader holding the pipe): sh -> cat 10 bytes, writer known" \
	".dst.pid==$RSEL and .src.comm==\"sh\" and .bytes==10 and .exact" 1
expect_edges rsel "either end (-p reader): no unknown writer" ".src.known==false" 0
fi

# the reader is selected and opens a FIFO later; the writer waits before writing
mkfifo "$TMP/f2"
"$DEMOS/pipe_fifo" reader "$TMP/f2" >"$TMP/rfifo.reader" &
RF=$!
sleep 0.2
start_bg rfifo -t pipe -p "$RF"
# (the writer opens the FIFO, waits until the reader blocks in read(), then writes)
sh -c "exec 3>'$TMP/f2'; i=0; until grep -q pipe_read /proc/$RF/wchan || [ \$i -gt 250 ]; do sleep 0.02; i=\$((i+1)); done; printf abc >&3" &
WF=$!
wait "$WF" "$RF"
sleep 0.3
stop_bg INT
expect_edges rfifo "either end (-p reader of a FIFO): the writer's 3 bytes, by path" \
	".src.pid==$WF and .dst.pid==$RF and .object==\"$TMP/f2\" and .bytes==3 and .exact" 1
expect_edges rfifo "either end (-p reader of a FIFO): nothing else" "true" 1

# --- bytes already in a pipe when tracing starts: unknown source, never invented
mkfifo "$TMP/f3"
exec 7<>"$TMP/f3"
printf 0123456789 >&7
start_bg before -t pipe
sh -c 'printf ABCDE' >&7
head -c 12 <&7 >"$TMP/before.got"
sleep 0.3
stop_bg INT
exec 7<&-
on=".object==\"$TMP/f3\""
expect_edges before "before tracing: the first 10 bytes have an unknown writer" \
	"$on and .src.known==false and .dst.comm==\"head\" and .bytes==10 and .reason==\"before-trace\" and .exact==false" 1
expect_edges before "before tracing: then 2 of the 5 bytes sh wrote" \
	"$on and .src.comm==\"sh\" and .dst.comm==\"head\" and .bytes==2 and .exact" 1
expect_edges before "before tracing: the 3 bytes left are reported unread" \
	"$on and .src.comm==\"sh\" and .dst.known==false and .unread and .bytes==3" 1
expect_edges before "before tracing: nothing else on that FIFO" "$on" 3

# --- ipcsnoop | cat: the reader of ipcsnoop's own output gets no edge (no
# bytes "from nowhere", which would be printed, read again, and so on)
( "$IPCSNOOP" "${BACKEND_OPT[@]}" -v -t pipe -j 2>"$TMP/self.err" & echo $! >"$TMP/self.pid"; wait ) | cat >"$TMP/self.json" &
CATPID=$!
for i in $(seq 1 200); do
	grep -q '^ipcsnoop: tracing' "$TMP/self.err" 2>/dev/null && break
	sleep 0.05
done
"$DEMOS/pipe_notes" >"$TMP/selfdemo.out"
sleep 1.5
kill -INT "$(cat "$TMP/self.pid")"
wait "$CATPID"
SP=$(pid_of selfdemo parent)
expect_edges self "ipcsnoop | cat: the demo's edge is there" ".src.pid==$SP and .bytes==21" 1
expect_edges self "ipcsnoop | cat: nothing read by cat (its bytes are ipcsnoop's own)" ".dst.pid==$CATPID" 0
