#!/usr/bin/env bash
# make soak [SOAK_SECONDS=180]: stress-ng's pipe, msg, shm, sem, mq, sock(pair)
# and signal stressors together under ipcsnoop (every kind it implements),
# ipcsnoop's RSS sampled from /proc every 2 s. Asserts: RSS flat after warm-up
# (the first quarter, at least 10 s): the end within 10% + 2 MiB of it; exit
# status 0; valid JSON; no malformed record, no error (counted losses are
# allowed: they are reported, which is the point). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
IPCSNOOP=${IPCSNOOP:-$PWD/ipcsnoop}
secs=${SOAK_SECONDS:-180}
warm=$((secs / 4))
[ "$warm" -lt 10 ] && warm=10
TMP=$(mktemp -d /tmp/ipcsnoop-soak.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

if ! command -v stress-ng >/dev/null; then
	echo "SKIP: soak: stress-ng is not installed (make soak installs it)"
	exit 0
fi
echo "soak: ${secs}s of stress-ng IPC stressors under ipcsnoop, warm-up ${warm}s"
# Edges stream through a real pipe; grep keeps all but the edge lines (summary, losses).
{
	"$IPCSNOOP" -j -- stress-ng --pipe 1 --msg 1 --shm 1 --shm-sysv 1 --sem 1 --sem-sysv 1 --mq 1 \
		--sock 1 --sockpair 1 --signal 1 --timeout "${secs}s" --metrics-brief 2>"$TMP/err"
	echo "exit $?" >"$TMP/rc"
} | grep -v -F '{"type":"edge"' >"$TMP/rest.json" &
sleep 1
pid=$(pgrep -n -f "^$IPCSNOOP -j -- stress-ng") || { fail "ipcsnoop did not start: $(cat "$TMP/err")"; exit 1; }
t=0
while kill -0 "$pid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
	[ -n "$rss" ] && echo "$t $rss" >>"$TMP/rss"
	sleep 2
	t=$((t + 2))
done
wait %1 2>/dev/null
# the pipeline's status is grep's; ipcsnoop's is in the file below
rc=$(awk '$1=="exit" {print $2}' "$TMP/rc" 2>/dev/null)
rss_warm=$(awk -v w="$warm" '$1 >= w { print $2; exit }' "$TMP/rss")
rss_max=$(awk -v w="$warm" '$1 >= w && $2 > m { m = $2 } END { print m + 0 }' "$TMP/rss")
rss_end=$(tail -1 "$TMP/rss" | awk '{ print $2 }')
echo "RSS (KiB): $(awk '{ printf "%s ", $2 }' "$TMP/rss")"
limit=$(( rss_warm + rss_warm / 10 + 2048 ))
if [ -n "$rss_warm" ] && [ "$rss_max" -le "$limit" ]; then
	pass "memory flat: ${rss_warm} KiB after ${warm}s warm-up, at most ${rss_max}, ${rss_end} at the end (limit ${limit})"
else
	fail "memory grew: ${rss_warm:-?} KiB after warm-up, up to ${rss_max} KiB (limit ${limit})"
fi
if [ "$rc" = 0 ]; then pass "ipcsnoop exited with stress-ng's status 0"; else fail "exit status ${rc:-?}"; fi
if jq -e . "$TMP/rest.json" >/dev/null 2>&1 && grep -q '"type":"summary"' "$TMP/rest.json"; then
	pass "summary and loss lines are valid JSON ($(grep -c '"type":"summary"' "$TMP/rest.json") summary rows)"
else
	fail "summary output invalid or missing: $(head -c 300 "$TMP/rest.json")"
fi
if grep -q '"malformed"' "$TMP/rest.json" || grep -q 'malformed' "$TMP/err"; then
	fail "malformed records: $(grep malformed "$TMP/err")"
else
	pass "no malformed record"
fi
errors=$(grep '^ipcsnoop: ' "$TMP/err" | grep -vE '^ipcsnoop: warning: (lost [0-9]+ [a-z]+ records: ring buffer full|[0-9]+ [a-z]+ records could not be paired|[0-9]+ [a-z]+ entries evicted from a full table|summary full: )')
if [ -z "$errors" ]; then
	pass "no error from ipcsnoop ($(grep -c '^ipcsnoop: warning' "$TMP/err") counted-loss warnings)"
else
	fail "errors: $errors"
fi
if grep -q 'stress-ng: .*successful run completed' "$TMP/err" && ! grep -q 'unsuccessful run' "$TMP/err"; then
	pass "stress-ng ran to its end successfully under ipcsnoop"
else
	fail "stress-ng: $(grep -E 'fail|error|unsuccessful' "$TMP/err" | head -3)"
fi
grep '^ipcsnoop: warning' "$TMP/err" | sed 's/^/  /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
