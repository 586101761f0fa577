#!/usr/bin/env bash
# Signals end to end: exact edges (pids, comms, names, counts) for the demos,
# including edges that must not appear.
. "$(dirname "$0")/lib.sh"
require_root "signal tests"
require_kind signal

# --- the IPC notes' example: SIGINT caught by a handler, then SIGCHLD back
trace notes -t signal -- "$DEMOS/signal_notes"
expect_eq "notes: exit status is the command's" "$RC" 0
P=$(pid_of notes parent) C=$(pid_of notes child)
expect_valid_json notes
expect_edges notes "notes: parent -> child SIGINT caught by handler" \
	".kind==\"signal\" and .src.pid==$P and .dst.pid==$C and .signal==\"SIGINT\" and .signo==2 and .origin==\"kill\" and .action==\"handler\" and .src.comm==\"signal_notes\" and .dst.comm==\"signal_notes\"" 1
expect_edges notes "notes: child -> parent SIGCHLD on exit" \
	".src.pid==$C and .dst.pid==$P and .signal==\"SIGCHLD\" and .origin==\"child-exit\"" 1
expect_edges notes "notes: exactly two edges" "true" 2
expect_edges notes "notes: no signal from the kernel" ".src.pid==0" 0
expect_edges notes "notes: ipcsnoop itself never appears" \
	".src.comm==\"ipcsnoop\" or .dst.comm==\"ipcsnoop\"" 0

# --- several kinds of signals, a fixed number of each
trace kinds -t signal -- "$DEMOS/signal_kinds"
expect_eq "kinds: exit status" "$RC" 0
P=$(pid_of kinds parent) C=$(pid_of kinds child)
expect_edges kinds "kinds: 3 SIGUSR1 by kill, handled" \
	".src.pid==$P and .dst.pid==$C and .signal==\"SIGUSR1\" and .origin==\"kill\" and .result==\"delivered\" and .action==\"handler\"" 3
expect_edges kinds "kinds: 2 SIGUSR2 by sigqueue" \
	".src.pid==$P and .dst.pid==$C and .signal==\"SIGUSR2\" and .origin==\"sigqueue\" and .action==\"handler\"" 2
expect_edges kinds "kinds: 2 SIGRTMIN by tgkill, to the thread" \
	".src.pid==$P and .dst.pid==$C and .signo==34 and .origin==\"tkill\" and .scope==\"thread\" and .action==\"handler\"" 2
expect_edges kinds "kinds: SIGHUP ignored by the kernel" \
	".src.pid==$P and .dst.pid==$C and .signal==\"SIGHUP\" and .result==\"ignored\"" 1
expect_edges kinds "kinds: SIGTERM kills with the default action" \
	".src.pid==$P and .dst.pid==$C and .signal==\"SIGTERM\" and .action==\"term\"" 1
expect_edges kinds "kinds: SIGALRM from the kernel's timer" \
	".src.pid==0 and .src.comm==\"[kernel]\" and .dst.pid==$C and .signal==\"SIGALRM\" and .origin==\"timer\" and .action==\"handler\"" 1
expect_edges kinds "kinds: SIGPIPE on the broken pipe, to the writer itself" \
	".src.pid==$C and .dst.pid==$C and .signal==\"SIGPIPE\" and .origin==\"broken-pipe\"" 1
expect_edges kinds "kinds: SIGCHLD child-killed back to the parent" \
	".src.pid==$C and .dst.pid==$P and .signal==\"SIGCHLD\" and .origin==\"child-killed\"" 1
expect_edges kinds "kinds: 12 signal edges in all, no others" ".kind==\"signal\"" 12
expect_edges kinds "kinds: parent never signals itself" ".src.pid==$P and .dst.pid==$P" 0
expect_edges kinds "kinds: nothing pending or lost" ".action==\"pending\" or .action==\"not-delivered\"" 0
expect_edges kinds "kinds: every edge has the contract fields" \
	'(.time|type)=="string" and (.mono_ns|type)=="number" and (.object|type)=="string" and (.src.tid|type)=="number" and (.dst.tid|type)=="number"' 12

# --- filters: -p selects either end, in whole-machine mode
sleep 30 & TARGET=$!
start_bg filt -t signal -p "$TARGET"
"$DEMOS/signal_notes" >"$TMP/filt.demo"
kill -USR1 "$TARGET"
wait "$TARGET" 2>/dev/null
sleep 0.2
stop_bg INT
expect_eq "whole machine: SIGINT ends the run with status 0" "$RC" 0
expect_edges filt "filter -p: the signal to the selected pid is kept" \
	".dst.pid==$TARGET and .src.pid==$$ and .signal==\"SIGUSR1\" and .action==\"term\"" 1
expect_edges filt "filter -p: SIGCHLD from the selected pid to its parent is kept" \
	".src.pid==$TARGET and .dst.pid==$$ and .signal==\"SIGCHLD\"" 1
expect_edges filt "filter -p: unrelated demo processes are not shown" ".src.comm==\"signal_notes\" or .dst.comm==\"signal_notes\"" 0

# -c matches either end: by comm, a process outside COMMAND's tree
trace comm -t signal -c signal_notes -- sh -c "$DEMOS/signal_notes; kill -USR2 \$\$ 2>/dev/null; true"
P=$(pid_of comm parent) C=$(pid_of comm child)
expect_edges comm "filter: -c keeps the demo's SIGINT" ".signal==\"SIGINT\" and .src.pid==$P and .dst.pid==$C" 1

# --- a process outside the command: signals to it from the command are kept
sleep 30 & OUTSIDE=$!
trace outside -t signal -- sh -c "kill -USR1 $OUTSIDE"
expect_edges outside "either end: command -> outside process is kept" \
	".dst.pid==$OUTSIDE and .signal==\"SIGUSR1\" and .action==\"term\"" 1
wait "$OUTSIDE" 2>/dev/null

# --- exit status propagation
trace status -t signal -- sh -c 'exit 7'
expect_eq "exit status of COMMAND is passed on" "$RC" 7
trace killed -t signal -- sh -c 'kill -KILL $$'
expect_eq "killed COMMAND gives 128+9" "$RC" 137
expect_edges killed "SIGKILL to itself is an edge with action term" \
	".signal==\"SIGKILL\" and .src.pid==.dst.pid and .action==\"term\"" 1
