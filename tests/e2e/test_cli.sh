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

if [ "$(id -u)" = 0 ]; then
	expect_error "unwritable -o" 2 "cannot write '/nonexistent/x'" -o /nonexistent/x -- true
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

# make install honours PREFIX and DESTDIR; the man page renders
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
