#!/usr/bin/env bash
# List ipcsnoop's BPF programs as "SECTION PROGRAM" lines, read from the
# SEC("...") annotations in bpf/*.bpf.h and bpf/*.bpf.c, so that the floor and
# the bpftrace peer follow whatever kinds are merged. Only attachable event
# sections are listed (tracepoint/tp/tp_btf/raw_tp/raw_tracepoint); maps,
# license and anything else are skipped.
#   tests/bench/sections.sh [BPF-DIR]
set -eu
dir=${1:-bpf}
re_sec='SEC\("([^"]+)"\)(.*)$'
re_macro='BPF_[A-Z0-9_]+\([[:space:]]*([A-Za-z_][A-Za-z0-9_]*)'
re_func='([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\('

for f in "$dir"/*.bpf.h "$dir"/*.bpf.c; do
	[ -e "$f" ] || continue
	sec=
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ $re_sec ]]; then
			sec=${BASH_REMATCH[1]}
			line=${BASH_REMATCH[2]}
			case $sec in
			tracepoint/*/* | tp/*/* | tp_btf/* | raw_tp/* | raw_tracepoint/*) ;;
			*) sec=; continue ;;
			esac
		fi
		[ -n "$sec" ] || continue
		# the program's name: BPF_PROG(name, ...) or "int name(" on the next lines
		if [[ $line =~ $re_macro ]] || [[ $line =~ $re_func ]]; then
			printf '%s %s\n' "$sec" "${BASH_REMATCH[1]}"
			sec=
		fi
	done <"$f"
done
