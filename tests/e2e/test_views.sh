#!/usr/bin/env bash
# Views: the summary (numbers equal the per-event lines), -s, -i, --dot,
# lost-record counters, pid namespaces and cgroups.
. "$(dirname "$0")/lib.sh"
require_root "views tests"

# --- the summary at exit equals the sum of the per-event lines
trace sum -t signal -- "$DEMOS/signal_kinds"
events=$(count sum 'true')
summed=$(jq_sum sum 'select(.type=="summary" and .scope=="total") | .count')
expect_eq "summary: counts add up to the per-event lines" "$summed" "$events"
P=$(pid_of sum parent) C=$(pid_of sum child)
row=$(jq -c "select(.type==\"summary\" and .src.pid==$P and .dst.pid==$C and .object==\"SIGUSR1\") | .count" "$TMP/sum.json")
expect_eq "summary: one row parent -> child SIGUSR1 with count 3" "$row" 3
rows=$(jq -c 'select(.type=="summary")' "$TMP/sum.json" | wc -l)
pairs=$(jq -c 'select(.type=="edge") | [.kind,.src.pid,.dst.pid,.object]' "$TMP/sum.json" | sort -u | wc -l)
expect_eq "summary: one row per (src, dst, kind, object)" "$rows" "$pairs"
first=$(jq -r 'select(.type=="summary") | .count' "$TMP/sum.json" | head -1)
expect_eq "summary: sorted by bytes then count (busiest first)" "$first" 3

# --- -s prints the summary and no per-event lines, with the same numbers
trace s -s -t signal -- "$DEMOS/signal_kinds"
expect_edges s "-s: no per-event lines" 'true' 0
expect_eq "-s: summary still counts every signal" \
	"$(jq_sum s 'select(.type=="summary") | .count')" "$events"

# --- text summary shape
"$IPCSNOOP" -s -t signal -- "$DEMOS/signal_notes" >"$TMP/text.out" 2>&1
if grep -q '^SUMMARY (total' "$TMP/text.out" && grep -qE '^signal +[0-9]+ signal_notes +-> +[0-9]+ signal_notes +SIGINT +1 ' "$TMP/text.out" \
	&& grep -q '^LOST nothing' "$TMP/text.out"; then
	pass "-s text: SUMMARY table with the SIGINT row and a LOST footer"
else
	fail "-s text: unexpected output: $(head -c 600 "$TMP/text.out")"
fi

# --- -i N: interval tables while running
trace iv -s -i 1 -t signal -- sh -c "$DEMOS/signal_notes; sleep 2.3; $DEMOS/signal_notes"
n_int=$(jq -c 'select(.type=="summary" and .scope=="interval")' "$TMP/iv.json" | wc -l)
if [ "$n_int" -ge 2 ]; then pass "-i 1: interval tables printed while running ($n_int rows)"; else fail "-i 1: $n_int interval rows"; fi
expect_eq "-i: intervals and total agree" \
	"$(jq_sum iv 'select(.type=="summary" and .scope=="interval") | .count')" \
	"$(jq_sum iv 'select(.type=="summary" and .scope=="total") | .count')"

# --- --dot: valid Graphviz with the expected edges
if require_cmd dot "--dot rendering"; then
	trace dot -t signal --dot "$TMP/g.dot" -- "$DEMOS/signal_notes"
	P=$(pid_of dot parent) C=$(pid_of dot child)
	if dot -Tsvg "$TMP/g.dot" -o "$TMP/g.svg" 2>"$TMP/dot.err"; then
		pass "--dot: graphviz parses the graph"
	else
		fail "--dot: dot failed: $(cat "$TMP/dot.err")"
	fi
	expect_eq "--dot: parent -> child SIGINT edge" "$(grep -c "p$P -> p$C .*label=\"signal SIGINT" "$TMP/g.dot")" 1
	expect_eq "--dot: child -> parent SIGCHLD edge" "$(grep -c "p$C -> p$P .*SIGCHLD" "$TMP/g.dot")" 1
	expect_eq "--dot: nodes labelled pid and comm" "$(grep -c "p$P \[label=\"$P\\\\nsignal_notes\"\]" "$TMP/g.dot")" 1
	expect_eq "--dot: no other edges" "$(grep -c -- ' -> ' "$TMP/g.dot")" 2
fi

# --- lost records are counted, never silent; the tool survives a flood
N=200000
trace flood -t signal --ringbuf 4096 -- "$DEMOS/signal_flood" $N
expect_eq "flood: ipcsnoop survives a tiny ring buffer and exits with the command's status" "$RC" 0
dropped=$(jq_sum flood 'select(.type=="lost" and .kind=="signal") | .dropped')
shown=$(count flood '.signal=="SIGUSR1"')
if [ "$dropped" -gt 0 ]; then pass "flood: dropped records counted ($dropped)"; else fail "flood: no drop counted with a 4 KiB ring buffer"; fi
total=$((dropped + shown))
if [ "$total" -ge $N ] && [ "$total" -le $((N + 3)) ]; then
	pass "flood: shown + dropped accounts for every signal ($shown + $dropped)"
else
	fail "flood: shown $shown + dropped $dropped != $N"
fi
expect_valid_json flood
expect_eq "flood: nothing corrupted (no malformed record)" \
	"$(jq -c 'select(.type=="lost" and .malformed != null)' "$TMP/flood.json" | wc -l)" 0
if grep -q "^ipcsnoop: warning: lost [0-9]* signal records" "$TMP/flood.err"; then
	pass "flood: the loss is reported on stderr"
else
	fail "flood: no loss warning on stderr: $(head -c 300 "$TMP/flood.err")"
fi

# --- processes in another pid namespace and cgroup
CG=""
for root in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -f "$root/cgroup.procs" ] && grep -q "^cgroup2 $root " /proc/mounts; then CG=$root; break; fi
done
if [ -z "$CG" ]; then
	skip "namespaces: no cgroup2 mount"
elif ! command -v unshare >/dev/null; then
	skip "namespaces: unshare is not installed"
else
	mkdir -p "$CG/ipcsnoop-test.$$"
	trace ns -t signal -- sh -c "echo \$\$ > $CG/ipcsnoop-test.$$/cgroup.procs; exec unshare --pid --fork $DEMOS/signal_notes"
	P=$(pid_of ns parent) C=$(pid_of ns child)
	expect_edges ns "pid namespace: pid inside the namespace and cgroup on both ends" \
		".signal==\"SIGINT\" and .src.ns_pid==$P and .dst.ns_pid==$C and .src.pid!=$P and .src.cgroup==\"/ipcsnoop-test.$$\" and .dst.cgroup==\"/ipcsnoop-test.$$\"" 1
	expect_edges ns "pid namespace: host processes carry no ns_pid" ".dst.comm==\"unshare\" and (.dst|has(\"ns_pid\"))" 0
	"$IPCSNOOP" -t signal -- sh -c "echo \$\$ > $CG/ipcsnoop-test.$$/cgroup.procs; exec unshare --pid --fork $DEMOS/signal_notes" >"$TMP/ns.txt" 2>&1
	if grep -qE "signal +[0-9]+\(1\) signal_notes +-> +[0-9]+\(2\) signal_notes +SIGINT" "$TMP/ns.txt"; then
		pass "pid namespace: text shows host(ns) pids"
	else
		fail "pid namespace: text marker missing: $(grep SIGINT "$TMP/ns.txt")"
	fi
	rmdir "$CG/ipcsnoop-test.$$" 2>/dev/null
fi

# --- -s aggregates signals in the kernel: the same flood, a tiny ring buffer, nothing lost
trace sflood -s -t signal --ringbuf 4096 -- "$DEMOS/signal_flood" $N
P=$(pid_of sflood parent) C=$(pid_of sflood child)
expect_eq "-s flood: every signal counted in the kernel" \
	"$(jq -c "select(.type==\"summary\" and .src.pid==$P and .dst.pid==$C and .object==\"SIGUSR1\") | .count" "$TMP/sflood.json")" $N
expect_eq "-s flood: nothing dropped" "$(jq -c 'select(.type=="lost")' "$TMP/sflood.json" | wc -l)" 0
