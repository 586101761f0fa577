# Shared by the end-to-end tests: run ipcsnoop as root on real processes and
# assert on the JSON edges it printed. Each check prints PASS:, FAIL: or SKIP:.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
IPCSNOOP=${IPCSNOOP:-$PWD/ipcsnoop}
DEMOS=${DEMOS:-$PWD/.output/demos}
TMP=$(mktemp -d /tmp/ipcsnoop-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# IPCSNOOP_BACKEND (set by the test guests): every run takes --backend with it
BACKEND_OPT=(${IPCSNOOP_BACKEND:+--backend "$IPCSNOOP_BACKEND"})

# hook_backend HOOK: what serves HOOK ("pipe read", "msg receive"...) under the
# backend being tested: tracepoints, fentry or kprobe (what -v says)
hook_backend() {
	"$IPCSNOOP" "${BACKEND_OPT[@]}" -v -o /dev/null -- true 2>&1 |
		sed -n "s/^ipcsnoop: backend: $1: \([a-z]*\).*/\1/p" | head -n 1
}
# Why function hooks miss what a call already in progress at start does
IN_FLIGHT_WHY="a call already blocked when tracing starts returns through no function-exit hook (fexit and kretprobes see only calls made after they were attached; the syscall exit tracepoints see every return)"

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
skip() { echo "SKIP: $*"; }

# Skip the whole script (one SKIP line with the reason) unless we are root.
require_root() {
	if [ "$(id -u)" != 0 ]; then
		skip "${1:-end-to-end tests}: needs root to load BPF programs"
		exit 0
	fi
}

# kind_available KIND: can this kernel trace it with this backend? (its hooks exist)
kind_available() {
	"$IPCSNOOP" "${BACKEND_OPT[@]}" -t "$1" -o /dev/null -- true >/dev/null 2>"$TMP/kind-$1.err" ||
		! grep -q "cannot be traced on this kernel" "$TMP/kind-$1.err"
}

# require_kind KIND: skip the whole script (one SKIP line) where the kernel lacks its hooks
require_kind() {
	if ! kind_available "$1"; then
		skip "$1 tests: $(sed 's/^ipcsnoop: //' "$TMP/kind-$1.err" | head -1)"
		exit 0
	fi
}

# Inside the QEMU guests of `make test-kernels` (no source tree, no build tools)
in_test_guest() {
	grep -q 'ipcsnoop.part=' /proc/cmdline 2>/dev/null
}

require_cmd() {   # require_cmd TOOL WHAT
	if ! command -v "$1" >/dev/null 2>&1; then
		skip "$2: '$1' is not installed"
		return 1
	fi
}

# trace NAME [IPCSNOOP-OPTIONS...] -- COMMAND...
# Runs ipcsnoop -j -o $TMP/NAME.json ... ; COMMAND's stdout goes to $TMP/NAME.out.
# Sets RC to ipcsnoop's exit status.
trace() {
	local name=$1
	shift
	timeout 120 "$IPCSNOOP" -j -o "$TMP/$name.json" "${BACKEND_OPT[@]}" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err"
	RC=$?
	if [ ! -s "$TMP/$name.json" ] && [ "$RC" -ne 0 ]; then
		echo "  ipcsnoop failed ($RC): $(head -c 400 "$TMP/$name.err")"
	fi
}

# pid_of NAME ROLE: the pid a demo announced as "ROLE PID" on stdout
pid_of() {
	awk -v r="$2" '$1 == r { print $2; exit }' "$TMP/$1.out"
}

# count NAME 'jq condition': how many edges (type "edge" lines) satisfy it
count() {
	jq -c "select(.type == \"edge\" and ($2))" "$TMP/$1.json" | wc -l
}

# jq_sum NAME 'jq filter producing numbers': their sum over all lines (0 if none)
jq_sum() {
	jq -s "[.[] | $2] | add // 0" "$TMP/$1.json"
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# expect_edges NAME DESCRIPTION 'jq condition' N
expect_edges() {
	expect_eq "$2" "$(count "$1" "$3")" "$4"
}

# All lines must be valid JSON objects
expect_valid_json() {
	if jq -e . "$TMP/$1.json" >/dev/null 2>&1; then
		pass "$1: every line is valid JSON"
	else
		fail "$1: output is not valid JSON lines"
	fi
}

# start_bg NAME [IPCSNOOP-OPTIONS...]: whole-machine ipcsnoop in the background,
# returns once it is tracing (it says so on stderr with -v). Sets BG_PID.
# It may take START_TIMEOUT seconds (default 60: in a TCG guest, loading and
# attaching every fentry program of a kind takes tens of seconds).
start_bg() {
	local name=$1 deadline=$((SECONDS + ${START_TIMEOUT:-60}))
	shift
	"$IPCSNOOP" -v -j -o "$TMP/$name.json" "${BACKEND_OPT[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	BG_PID=$!
	while [ "$SECONDS" -le "$deadline" ]; do
		grep -q '^ipcsnoop: tracing' "$TMP/$name.err" 2>/dev/null && return 0
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "  ipcsnoop did not start within ${START_TIMEOUT:-60} s: $(grep '^ipcsnoop' "$TMP/$name.err" | tail -3)"
	kill -INT "$BG_PID" 2>/dev/null
	return 1
}

# stop_bg [SIGNAL]: stop the background ipcsnoop, set RC to its exit status
stop_bg() {
	kill "-${1:-INT}" "$BG_PID"
	wait "$BG_PID"
	RC=$?
}

# ---- -s against streaming: test_{pipe,unix,msg}_summary.sh ----

# received NAME TYPE: records of TYPE the instance NAME received (its -v line
# at exit), 0 if none
received() {
	sed -n 's/^ipcsnoop: records received by type://p' "$TMP/$1.err" | tr ' ' '\n' |
		awk -F: -v t="$2" '$1 == t { n = $2 } END { print n + 0 }'
}

# summary_both KIND COMM NAME [OPTIONS...] -- COMMAND...: run COMMAND (its
# stdout to NAME.out) while two whole-machine instances filtered to COMM watch
# it, NAME-ev streaming and NAME-s with -s. Sets DEMO_RC and RC_S.
summary_both() {
	local kind=$1 comm=$2 name=$3 ev s
	shift 3
	RC_S="not started" DEMO_RC="not run"
	local extra=()
	while [ "$1" != -- ]; do extra+=("$1"); shift; done
	shift
	start_bg "$name-ev" "${extra[@]}" -t "$kind" -c "$comm" || return 1
	ev=$BG_PID
	if ! start_bg "$name-s" -s "${extra[@]}" -t "$kind" -c "$comm"; then
		BG_PID=$ev stop_bg
		return 1
	fi
	s=$BG_PID
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.cmd.err"
	DEMO_RC=$?
	sleep 0.2
	BG_PID=$s stop_bg INT
	RC_S=$RC
	BG_PID=$ev stop_bg INT
}

# summary_row_fields KIND: the jq filter naming each total row of KIND by its
# ends (pids, tids, comms, start times), object, count and bytes
summary_row_fields() {
	echo "select(.type==\"summary\" and .scope==\"total\" and .kind==\"$1\") | [.src.pid,.src.tid,.src.comm,.src.known,.src.start_mono_ns,.dst.pid,.dst.tid,.dst.comm,.dst.known,.dst.start_mono_ns,.object,.count,.bytes] | tostring"
}

# summary_same_rows KIND NAME N [DEMO-RC]: NAME-s has exactly NAME-ev's N rows
# of KIND, both ran cleanly, -s printed no edge and lost nothing (events of one
# process, "solo" edges such as an IPC_RMID, have no row)
summary_same_rows() {
	local kind=$1 name=$2 a b
	local rows
	rows=$(summary_row_fields "$kind")
	a=$(jq -r "$rows" "$TMP/$name-ev.json" | sort)
	b=$(jq -r "$rows" "$TMP/$name-s.json" | sort)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		pass "$name: -s rows are the streamed run's rows"
	else
		echo "$a" >"$TMP/$name.rows-ev"
		echo "$b" >"$TMP/$name.rows-s"
		fail "$name: -s rows differ from the streamed rows:"$'\n'"$(diff "$TMP/$name.rows-ev" "$TMP/$name.rows-s" | head -20)"
	fi
	expect_eq "$name: $3 $kind rows" "$(echo "$b" | grep -c .)" "$3"
	expect_eq "$name: -s exit status" "$RC_S" 0
	expect_eq "$name: workload exit status" "$DEMO_RC" "${4:-0}"
	expect_edges "$name-s" "$name: -s prints no per-event line" 'true' 0
	expect_eq "$name: streamed rows add up their edges (count)" \
		"$(jq_sum "$name-ev" "select(.type==\"edge\" and .kind==\"$kind\" and (.solo | not)) | 1")" \
		"$(jq_sum "$name-ev" "select(.type==\"summary\" and .scope==\"total\" and .kind==\"$kind\") | .count")"
	expect_eq "$name: -s: nothing lost" "$(jq -c 'select(.type=="lost")' "$TMP/$name-s.json" | wc -l)" 0
}

# summary_row KIND NAME 'jq condition': NAME-s's total rows of KIND that
# satisfy it, as [count,bytes] lines
summary_row() {
	jq -c "select(.type==\"summary\" and .scope==\"total\" and .kind==\"$1\" and ($3)) | [.count,.bytes]" "$TMP/$2-s.json" | tr -d '\n'
}

# summary_sum_rows KIND NAME SCOPE: per (src, dst, object) of NAME's rows of
# SCOPE, the summed count and bytes (intervals must add up to the total)
summary_sum_rows() {
	jq -r "select(.type==\"summary\" and .scope==\"$3\" and .kind==\"$1\") | [.src.pid,.dst.pid,.object,.count,.bytes] | @tsv" "$TMP/$2.json" |
		awk -F'\t' '{ k = $1 " " $2 " " $3; c[k] += $4; b[k] += $5 } END { for (k in c) print k, c[k], b[k] }' | sort
}
