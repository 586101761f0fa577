#!/usr/bin/env bash
# Bad input: one-line error on stderr, non-zero exit, never a crash.
. "$(dirname "$0")/lib.sh"

# expect_error DESCRIPTION EXPECTED-STATUS STDERR-REGEX ARGS...
expect_error() {
	local desc=$1 want=$2 re=$3
	shift 3
	"$IPCSNOOP" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	local rc=$? lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && grep -qE "^ipcsnoop: $re" "$TMP/err" && [ ! -s "$TMP/out" ]; then
		pass "$desc"
	else
		fail "$desc: status $rc (want $want), stderr: $(head -c 300 "$TMP/err")"
	fi
}

"$IPCSNOOP" -h >"$TMP/help" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^Usage: ipcsnoop' "$TMP/help" && grep -q 'Examples:' "$TMP/help"; then
	pass "-h prints usage and examples, exit 0"
else
	fail "-h: status $rc"
fi

expect_error "unknown long option" 2 "unknown option '--frobnicate'" --frobnicate
expect_error "unknown short option" 2 "unknown option '-Z'" -Z
expect_error "missing argument" 2 "option '-p' needs an argument" -p
expect_error "unknown kind" 2 "unknown kind 'bogus'" -t signal,bogus
expect_error "empty kind list" 2 "-t needs at least one kind" -t ,
expect_error "non-numeric pid" 2 "-p takes a whole number" -p abc
expect_error "negative pid" 2 "-p takes a whole number" -p -5
expect_error "pid that does not exist" 2 "no process with pid" -p 2147483646
expect_error "comm too long" 2 "-c takes a process name" -c 0123456789abcdefXYZ
expect_error "ringbuf not a power of two" 2 "--ringbuf must be a power of two" --ringbuf 5000
expect_error "ringbuf too small" 2 "--ringbuf takes a whole number" --ringbuf 16

# duplicates: every option once, except -p
expect_error "duplicate flag -j" 2 "-j given twice" -j -j
expect_error "duplicate -s (long and short)" 2 "-s given twice" -s --summary
expect_error "duplicate -t" 2 "-t given twice" -t signal -t signal
expect_error "duplicate -o" 2 "-o given twice" -o "$TMP/a" -o "$TMP/b"
expect_error "duplicate --ringbuf" 2 "--ringbuf given twice" --ringbuf 4096 --ringbuf 8192
expect_error "duplicate -x" 2 "-x given twice" -x 4 -x 8
expect_error "duplicate -u" 2 "-u given twice" -u root -u root -- true
expect_error "option with an argument it does not take" 2 "option '--json' takes no argument" --json=1
expect_error "ambiguous abbreviation" 2 "ambiguous option '--d'" --d x
expect_error "unknown option inside a cluster" 2 "unknown option '-Z'" -jZ
# malformed numbers and negative or too large sizes
expect_error "fraction" 2 "-i takes a whole number from 1 to 86400, not '1.5'" -i 1.5
expect_error "leading plus" 2 "-i takes a whole number" -i +5
expect_error "hex" 2 "-i takes a whole number" -i 0x10
expect_error "trailing garbage" 2 "--ringbuf takes a whole number" --ringbuf 4096k
expect_error "empty number" 2 "-i takes a whole number" -i ''
expect_error "overflowing number" 2 "-i takes a whole number" -i 99999999999999999999999
expect_error "negative -x" 2 "-x takes a whole number from 1 to 256, not '-5'" -x -5
expect_error "negative --ringbuf" 2 "--ringbuf takes a whole number" --ringbuf=-4096
expect_error "-x above the cap" 2 "-x takes a whole number from 1 to 256, not '257'" -x 257
expect_error "-x zero" 2 "-x takes a whole number" -x 0
expect_error "empty -o" 2 "-o needs a file name" -o ''
# conflicts
expect_error "-s with -x" 2 "-s prints no per-event lines, so -x would capture nothing" -s -x 16
expect_error "-x with only kinds that carry no payload" 2 "-x captures payloads of pipe, msg, mq and unix edges" -t signal -x 16
expect_error "-u without COMMAND" 2 "-u runs COMMAND as another user" -u root
expect_error "-o and --dot the same file" 2 "-o and --dot name the same file" -o "$TMP/same" --dot "$TMP/same"
expect_error "-u with a user that does not exist" 2 "no user 'no-such-user-xyz'" -u no-such-user-xyz -- true

if [ "$(id -u)" = 0 ]; then
	expect_error "unwritable -o" 2 "cannot write '/nonexistent/x'" -o /nonexistent/x -- true
	expect_error "-o is a directory" 2 "cannot write '/tmp': Is a directory" -o /tmp -- true
	expect_error "unwritable --dot, found before tracing" 2 "cannot write '/nonexistent/g.dot'" \
		--dot /nonexistent/g.dot -- touch "$TMP/ran"
	if [ -e "$TMP/ran" ]; then fail "unwritable --dot: COMMAND ran anyway"; else pass "unwritable --dot: COMMAND did not run"; fi

	# -o files are private: created 0600 whatever the umask, an existing file made 0600
	(umask 000; "$IPCSNOOP" -t signal -o "$TMP/new.out" -- true 2>/dev/null)
	expect_eq "-o creates its file mode 0600 (umask 000)" "$(stat -c %a "$TMP/new.out")" 600
	: >"$TMP/old.out"; chmod 644 "$TMP/old.out"
	"$IPCSNOOP" -t signal -o "$TMP/old.out" -- true 2>/dev/null
	expect_eq "-o makes an existing file 0600" "$(stat -c %a "$TMP/old.out")" 600
	"$IPCSNOOP" -t signal -o /dev/null -- true 2>/dev/null
	expect_eq "-o leaves a device alone" "$(stat -c %a /dev/null)" 666

	# capabilities: none left once tracing, no_new_privs; COMMAND keeps root's
	"$IPCSNOOP" -t signal -- sh -c 'cat /proc/$PPID/status >"$0/ipcs.status"; cat /proc/$$/status >"$0/cmd.status"' "$TMP" 2>"$TMP/err"
	caps=$(awk '/^Cap(Eff|Prm|Inh|Amb):/ { printf "%s=%s ", $1, $2 } /^NoNewPrivs:/ { printf "nnp=%s", $2 }' "$TMP/ipcs.status")
	expect_eq "running ipcsnoop has no capability left and no_new_privs" "$caps" \
		"CapInh:=0000000000000000 CapPrm:=0000000000000000 CapEff:=0000000000000000 CapAmb:=0000000000000000 nnp=1"
	"$IPCSNOOP" -t shm -- sh -c 'cat /proc/$PPID/status >"$0/ipcs-shm.status"' "$TMP" 2>"$TMP/err"
	expect_eq "with -t shm only CAP_SYS_PTRACE is kept (to read other processes' maps)" \
		"$(awk '/^CapEff:/ { print $2 }' "$TMP/ipcs-shm.status")" 0000000000080000
	expect_eq "COMMAND keeps root's capabilities (it was started before the drop)" \
		"$(awk '/^CapEff:/ { print ($2 != "0000000000000000") } /^NoNewPrivs:/ { print $2 }' "$TMP/cmd.status" | tr '\n' ' ')" "1 0 "

	# -u: COMMAND runs as that user, with its groups and environment; ipcsnoop keeps only CAP_KILL
	"$IPCSNOOP" -t signal -o /dev/null -u nobody -- sh -c 'echo "$(id -u) $(id -g) $(id -G) $HOME $USER $LOGNAME"; grep -E "^(CapEff|NoNewPrivs):" /proc/$PPID/status | tr -s "\t\n" "  "' >"$TMP/u.out" 2>"$TMP/u.err"
	rc=$?
	expect_eq "-u nobody: exit status" "$rc" 0
	expect_eq "-u nobody: COMMAND runs as nobody, HOME/USER/LOGNAME set" "$(head -1 "$TMP/u.out")" \
		"65534 65534 65534 /nonexistent nobody nobody"
	expect_eq "-u: ipcsnoop keeps only CAP_KILL (to pass stop signals on)" "$(sed -n 2p "$TMP/u.out")" \
		"CapEff: 0000000000000020 NoNewPrivs: 1 "
	"$IPCSNOOP" -t signal -o /dev/null -u 65534 -- id -un >"$TMP/u.out" 2>&1
	expect_eq "-u takes a numeric uid" "$(cat "$TMP/u.out")" nobody
	"$IPCSNOOP" -t signal -j -u nobody -- sh -c 'kill -USR1 $$' >"$TMP/u.json" 2>/dev/null
	expect_eq "-u: COMMAND's signals are traced" \
		"$(jq -c 'select(.type=="edge" and .signal=="SIGUSR1" and .action=="term")' "$TMP/u.json" | wc -l)" 1

	# `ipcsnoop ... | head -1`: EPIPE ends tracing quietly, COMMAND is waited for, not orphaned
	set -o pipefail
	"$IPCSNOOP" -t signal -- sh -c "for i in 1 2 3; do $DEMOS/signal_notes; done >/dev/null; sleep 0.5; $DEMOS/signal_notes >/dev/null; sleep 0.5; touch $TMP/cmd-done; exit 3" 2>"$TMP/pipe.err" | head -1 >"$TMP/pipe.out"
	rc=${PIPESTATUS[0]}
	set +o pipefail
	expect_eq "| head -1: ipcsnoop exits with COMMAND's status" "$rc" 3
	expect_eq "| head -1: nothing on stderr" "$(cat "$TMP/pipe.err")" ""
	if grep -q '^TIME ' "$TMP/pipe.out"; then pass "| head -1: head got the first line"; else fail "| head -1: got '$(cat "$TMP/pipe.out")'"; fi
	if [ -e "$TMP/cmd-done" ]; then pass "| head -1: COMMAND ran to its end before ipcsnoop exited"; else fail "| head -1: ipcsnoop did not wait for COMMAND"; fi
	# without COMMAND: once head has left, the run ends (even with nothing more to write), status 0, quietly
	( for i in $(seq 1 40); do "$DEMOS/signal_notes" >/dev/null; sleep 0.25; [ -e "$TMP/pipe.done" ] && break; done ) &
	set -o pipefail
	timeout 20 "$IPCSNOOP" -t signal -c signal_notes 2>"$TMP/pipe.err" | head -1 >"$TMP/pipe.out"
	rc=${PIPESTATUS[0]}
	set +o pipefail
	touch "$TMP/pipe.done"
	wait
	expect_eq "| head -1 without COMMAND: status 0 once the output is gone, nothing on stderr" \
		"$rc $(wc -c <"$TMP/pipe.err") $(grep -c '^TIME ' "$TMP/pipe.out")" "0 0 1"
	"$IPCSNOOP" -t signal -j -- sh -c "$DEMOS/signal_notes >/dev/null" 2>"$TMP/pipe.err" | head -c 10 >/dev/null
	expect_eq "| head -c 10 with JSON: nothing on stderr" "$(cat "$TMP/pipe.err")" ""
	"$IPCSNOOP" -t signal -- no-such-cmd-xyz >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 127 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "^ipcsnoop: cannot run 'no-such-cmd-xyz': No such file" "$TMP/err"; then
		pass "COMMAND that cannot be run: 127 and one line"
	else
		fail "COMMAND that cannot be run: status $rc, stderr: $(cat "$TMP/err")"
	fi
	if command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
			"$IPCSNOOP" -t signal -- true >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ $rc = 1 ] && grep -q '^ipcsnoop: needs root, or CAP_BPF and CAP_PERFMON' "$TMP/err"; then
			pass "not root: one-line error naming the capabilities"
		else
			fail "not root: status $rc, stderr: $(cat "$TMP/err")"
		fi
	else
		skip "not-root check: setpriv is not installed"
	fi
else
	skip "root-only CLI checks: not root"
fi

# the exit codes are documented the same way in -h, the README and the man page
"$IPCSNOOP" -h >"$TMP/help" 2>&1
for doc in "$TMP/help" README.md doc/ipcsnoop.8; do
	n=0
	for phrase in "127 if it could not be started" "1 on a runtime error" "2 on a usage error"; do
		tr -s ' \n' '  ' <"$doc" | sed 's/\\f[BIR]//g; s/\\-/-/g' | grep -qF "$phrase" && n=$((n + 1))
	done
	expect_eq "exit codes documented in $(basename "$doc")" "$n" 3
done

# make install honours PREFIX and DESTDIR; the man page renders
if in_test_guest; then
	skip "make install and man page: the test guest has no build tree nor man-db"
else
	dest=$TMP/dest
	if make -s install DESTDIR="$dest" PREFIX=/opt/ipcs >"$TMP/inst.log" 2>&1 &&
		[ -x "$dest/opt/ipcs/sbin/ipcsnoop" ] && [ -f "$dest/opt/ipcs/share/man/man8/ipcsnoop.8" ]; then
		pass "make install puts the binary and the man page under DESTDIR/PREFIX"
	else
		fail "make install: $(tail -3 "$TMP/inst.log")"
	fi
	if command -v man >/dev/null; then
		if MANWIDTH=80 man -l doc/ipcsnoop.8 2>/dev/null | grep -q 'show which processes talk to which'; then
			pass "man page renders"
		else
			fail "man -l doc/ipcsnoop.8 does not render"
		fi
	else
		skip "man page rendering: man is not installed"
	fi
fi
