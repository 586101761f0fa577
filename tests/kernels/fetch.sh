#!/usr/bin/env bash
# fetch.sh SERIES CACHE: print the path of the newest Debian cloud kernel of
# SERIES (6.1, 6.12...), fetched with `apt-get download` and extracted with
# `dpkg-deb -x` under CACHE/PACKAGE/ (never installed). A kernel already in the
# cache is reused; when apt cannot be asked, the newest cached one is used.
set -eu
series=$1 cache=$2
case "$series" in
6.1) re='6\.1\.0-[0-9]+' ;;      # Debian names 6.1 by ABI: linux-image-6.1.0-56-...
*) re="${series//./\\.}\\.[0-9]+\\+deb[0-9]+" ;;   # 6.12.117+deb12-...
esac
re="^linux-image-${re}-cloud-amd64-unsigned\$"

newest() { apt-cache search --names-only "$re" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -n 1; }
vmlinuz() { ls "$cache/$1"/boot/vmlinuz-* 2>/dev/null | head -n 1; }

pkg=$(newest)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true   # empty package lists on a fresh machine
	pkg=$(newest)
fi
if [ -z "$pkg" ]; then
	pkg=$(cd "$cache" 2>/dev/null && ls -d linux-image-* 2>/dev/null | grep -E "${re%\$}" | sort -V | tail -n 1 || true)
	[ -n "$pkg" ] && [ -n "$(vmlinuz "$pkg")" ] || {
		echo "ipcsnoop: no Debian package matches $re (run apt-get update?)" >&2
		exit 1
	}
	echo "  (apt has no $series kernel, using the cached $pkg)" >&2
fi

if [ -z "$(vmlinuz "$pkg")" ]; then
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# the download runs as root: _apt cannot write into our cache
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null) || {
		echo "ipcsnoop: apt-get download $pkg failed" >&2
		exit 1
	}
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	rm -rf "$tmp/x/lib" "$tmp/x/usr"   # modules and docs: the guest needs none
	mv "$tmp/x" "$cache/$pkg"
fi
vmlinuz "$pkg"
