#!/usr/bin/env bash
# `make run`: trace the bundled demo programs and print who talked to whom.
# The demos' own output goes to tests/out/demos.log; ipcsnoop's edges to stdout.
set -u
cd "$(dirname "$0")/.."
mkdir -p tests/out
exec ./ipcsnoop "$@" -- sh -c '
	for d in .output/demos/*; do
		echo "== $d"
		"$d" || echo "demo $d failed: $?"
	done >tests/out/demos.log 2>&1'
