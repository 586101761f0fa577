#!/usr/bin/env bash
# Untrusted bytes: processes named with terminal escapes, newlines, quotes and
# backslashes (prctl PR_SET_NAME) cannot forge a line or a field, in text,
# JSON or DOT. Runs once per kind ipcsnoop implements (see test_faults.sh).
. "$(dirname "$0")/lib.sh"
require_root "untrusted bytes tests"

implemented=$("$IPCSNOOP" -h | sed -n 's/.*comma list of kinds: \([a-z,]*\).*/\1/p' | tr , ' ')
KINDS=""
for k in signal pipe unix msg mq; do
	case " $implemented " in *" $k "*) kind_available "$k" && KINDS="$KINDS $k" || skip "$k: $(head -1 "$TMP/kind-$k.err")" ;; esac
done

# hex bytes -> the JSON array of code points jq's explode gives for our \u00XX escapes
codepoints() { echo "$1" | sed 's/../&\n/g' | grep . | while read -r b; do echo $((16#$b)); done | paste -sd, | sed 's/.*/[&]/'; }

for K in $KINDS; do
	trace evil_$K -t "$K" --dot "$TMP/evil_$K.dot" -- "$DEMOS/evil_comm" "$K"
	expect_eq "$K: demo status" "$RC" 0
	P=$(pid_of evil_$K parent) C=$(pid_of evil_$K child)
	PC=$(codepoints "$(pid_of evil_$K parent_comm)") CC=$(codepoints "$(pid_of evil_$K child_comm)")
	expect_valid_json evil_$K
	expect_edges evil_$K "$K JSON: the parent's name round-trips, byte for byte (2 messages)" \
		".kind==\"$K\" and .src.pid==$P and (.src.comm|explode)==$PC and .dst.pid==$C and (.dst.comm|explode)==$CC" 2
	expect_edges evil_$K "$K JSON: the child's name round-trips (1 message back)" \
		".kind==\"$K\" and .src.pid==$C and (.src.comm|explode)==$CC and .dst.pid==$P and (.kind != \"signal\" or .signal==\"SIGUSR1\")" 1
	if LC_ALL=C grep -q $'[\x01-\x1f\x7f]' "$TMP/evil_$K.json"; then
		fail "$K JSON: a raw control byte got through"
	else
		pass "$K JSON: no raw control byte"
	fi
	edges=$(count evil_$K 'true')

	# text: no byte outside printable ASCII, one line per edge, every line of a known shape
	"$IPCSNOOP" -t "$K" -o "$TMP/evil_$K.txt" -- "$DEMOS/evil_comm" "$K" >/dev/null 2>&1
	if LC_ALL=C grep -qP '[^\x20-\x7e]' "$TMP/evil_$K.txt"; then
		fail "$K text: raw control or non-ASCII bytes: $(LC_ALL=C grep -nP '[^\x20-\x7e]' "$TMP/evil_$K.txt" | head -2 | od -c | head -3)"
	else
		pass "$K text: only printable ASCII (and newlines)"
	fi
	expect_eq "$K text: exactly one line per edge" \
		"$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [a-z]+ ' "$TMP/evil_$K.txt")" "$edges"
	stray=$(grep -vE '^([0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [a-z]+ |TIME |$|SUMMARY |KIND |LOST |[a-z]+ +[0-9?]+ )' "$TMP/evil_$K.txt" | head -3)
	expect_eq "$K text: no line of another shape (nothing forged)" "$stray" ""
	P=$(grep -oE '^[0-9]{2}:[0-9:.]+ [a-z]+ +[0-9]+ .x1b.2J' "$TMP/evil_$K.txt" | awk '{print $3; exit}')
	expect_eq "$K text: the parent's name, escaped, as SRC of its 2 messages and their summary row" \
		"$(grep -F " $P "'\x1b[2J\n"x\\\ty\r,}{\x07 -> ' "$TMP/evil_$K.txt" | grep -cvF " -> $(printf %7s "$P") ")" 3
	if command -v dot >/dev/null; then
		if dot -Tsvg "$TMP/evil_$K.dot" -o /dev/null 2>"$TMP/dot.err"; then
			pass "$K DOT: graphviz parses the graph of the evil names"
		else
			fail "$K DOT: $(cat "$TMP/dot.err")"
		fi
	fi
done
