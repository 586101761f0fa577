#!/usr/bin/env bash
# initramfs.sh OUT.cpio: the test guest's root file system. It holds
#   busybox-static (the guest's init, shell utilities),
#   host tools the tests need that busybox lacks or does differently
#   ($GUEST_TOOLS: bash, jq, setpriv; and every tool an e2e script asks for
#   with `require_cmd TOOL` or `command -v TOOL` that the host has), copied
#   with the libraries ldd names,
#   /src: the static ipcsnoop and demos (.output/static/) laid out like the
#   source tree, with a copy of tests/, so tests/run.sh runs unchanged;
#   the static benchmark workloads and mirror floor when built (.output/static/bench/).
set -eu
cd "$(dirname "$0")/../.."
out=$(realpath -m "$1")
tools=${GUEST_TOOLS:-bash jq setpriv}
asked=$(sed -nE 's/.*(require_cmd|command -v) +([A-Za-z0-9_.+-]+).*/\2/p' tests/e2e/*.sh | sort -u)
root=$(mktemp -d "${TMPDIR:-/tmp}/ipcsnoop-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"         # mktemp makes it 0700: -u tests run COMMAND as nobody

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,run} \
	"$root/src/.output"
if ldd /bin/busybox >/dev/null 2>&1; then
	echo "ipcsnoop: /bin/busybox is linked dynamically (install busybox-static)" >&2
	exit 1
fi
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
ln -s ../../bin/busybox "$root/usr/bin/env"   # for #!/usr/bin/env shebangs

# add_tool PATH: PATH as /usr/bin/NAME (and /bin/NAME, over a busybox applet
# of that name), with every library it loads at the path ldd names
add_tool() {
	local f name=${1##*/}
	for f in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
	cp -L "$1" "$root/usr/bin/$name"
	ln -sf "../usr/bin/$name" "$root/bin/$name"
}
for tool in $tools; do
	path=$(command -v "$tool") || { echo "ipcsnoop: '$tool' is not installed on the host" >&2; exit 1; }
	add_tool "$path"
done
for tool in $asked; do
	case " $tools " in *" $tool "*) continue ;; esac
	path=$(command -v "$tool") || continue            # the test skips it in the guest too
	[ "$(head -c 4 "$path" | od -An -c | tr -d ' ')" = '177ELF' ] || continue   # a script: no interpreter here
	add_tool "$path"
done
# Graphviz's dot loads its renderers as plugins named in config6a: give it
# the two the tests use (core: -Tsvg and dot itself; dot_layout) and a config
# that names only those.
if [ -x "$root/usr/bin/dot" ]; then
	gv=$(realpath "$(dirname "$(ldd "$(command -v dot)" | grep -oE '/[^ ]*/libgvc\.so[^ ]*' | head -n 1)")/graphviz")
	mkdir -p "$root$gv"
	for plugin in "$gv"/libgvplugin_core.so.* "$gv"/libgvplugin_dot_layout.so.*; do
		add_tool "$plugin"
		rm -f "$root/usr/bin/${plugin##*/}" "$root/bin/${plugin##*/}"
		cp -L "$plugin" "$root$plugin"
	done
	GVBINDIR="$root$gv" dot -c
fi
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

cp tests/kernels/init "$root/init"
install -m 0755 -s .output/static/ipcsnoop "$root/src/ipcsnoop"
mkdir -p "$root/src/.output/demos"
for c in tests/demos/*.c; do   # every demo, none stale
	install -m 0755 -s ".output/static/demos/$(basename "$c" .c)" "$root/src/.output/demos/"
done
# the benchmark's programs (tests/kernels/bench.sh; make static builds them)
if [ -x .output/static/bench/workloads ]; then
	mkdir -p "$root/src/.output/bench"
	install -m 0755 -s .output/static/bench/workloads "$root/src/.output/bench/"
	if [ -x .output/static/bench/mirror ] && [ -f .output/bench/mirror.bpf.o ]; then
		install -m 0755 -s .output/static/bench/mirror "$root/src/.output/bench/"
		cp .output/bench/mirror.bpf.o "$root/src/.output/bench/"
	fi
fi
tar -C . --exclude=tests/out --exclude=tests/kernels -cf - tests README.md doc | tar -C "$root/src" -xf -

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
