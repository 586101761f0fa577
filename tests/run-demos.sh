#!/usr/bin/env bash
# `make run`: trace the bundled demo programs, print who talked to whom, and
# render the graph of it to tests/out/demos.svg with Graphviz.
# The demos' own output goes to tests/out/demos.log; ipcsnoop's edges to stdout.
set -u
cd "$(dirname "$0")/.."
mkdir -p tests/out
./ipcsnoop --dot tests/out/demos.dot "$@" -- sh -c '
	for d in .output/demos/*; do
		case "$d" in *_flood) continue ;; esac    # floods are for the loss tests
		echo "== $d"
		"$d" || echo "demo $d failed: $?"
	done >tests/out/demos.log 2>&1'
rc=$?
if [ -s tests/out/demos.dot ] && dot -Tsvg tests/out/demos.dot -o tests/out/demos.svg; then
	echo "graph of who talked to whom: tests/out/demos.svg"
fi
exit $rc
