#!/usr/bin/env bash
# fetch.sh SERIES CACHE: print the path of the newest Debian cloud kernel of
# SERIES (6.1, 6.12...), fetched with `apt-get download` and extracted with
# `dpkg-deb -x` under CACHE/PACKAGE/ (never installed). A kernel already in the
# cache is reused; when apt cannot find or fetch one, the newest cached one is.
set -eu
series=$1 cache=$2
case "$series" in
6.1) re='6\.1\.0-[0-9]+' ;;      # Debian names 6.1 by ABI: linux-image-6.1.0-56-...
*) re="${series//./\\.}\\.[0-9]+\\+[a-z0-9]+" ;;   # 6.12.117+deb12-..., +bpo-...
esac
re="^linux-image-${re}-cloud-amd64-unsigned\$"

newest() { apt-cache search --names-only "$re" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -n 1; }
vmlinuz() { find "$cache/$1/boot" -name 'vmlinuz-*' 2>/dev/null | head -n 1; }
# fall_back WHY: use the newest kernel of the series in the cache, if any
fall_back() {
	local pkg
	pkg=$(find "$cache" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
	if [ -n "$pkg" ] && [ -n "$(vmlinuz "$pkg")" ]; then
		echo "  ($1: using the cached $pkg)" >&2
		vmlinuz "$pkg"
		exit 0
	fi
	echo "ipcsnoop: $1 (apt-get update? network?)" >&2
	exit 1
}

pkg=$(newest)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true   # empty package lists on a fresh machine
	pkg=$(newest)
fi
[ -n "$pkg" ] || fall_back "no Debian package matches $re"

if [ -z "$(vmlinuz "$pkg")" ]; then
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# the download runs as root: _apt cannot write into our cache
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1) ||
		fall_back "apt-get download $pkg failed"
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	rm -rf "$tmp/x/lib" "$tmp/x/usr"   # modules and docs: the guest needs none
	mv "$tmp/x" "$cache/$pkg"
	# older kernels of this series are not needed any more
	for old in "$cache"/linux-image-*; do
		name=${old##*/}
		if [ "$name" != "$pkg" ] && echo "$name" | grep -qE "$re"; then
			rm -rf "$old"
		fi
	done
fi
vmlinuz "$pkg"
