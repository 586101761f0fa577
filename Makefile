# ipcsnoop — build, test, run, install.   `make V=1` shows full commands.
OUTPUT    := .output
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= gcc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX   := vmlinux/$(ARCH)/vmlinux.h
PREFIX    ?= /usr/local
DESTDIR   ?=

# Debian 12 packages the build, the tests and `make run` need.
DEPS      := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev gcc make \
             pkg-config jq graphviz
BENCH_DEPS := strace bpftrace

CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wno-unused-parameter
USER_CFLAGS := $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -Ibpf -Iuser $(EXTRA_CFLAGS)
LDLIBS    := -lbpf -lelf -lz $(EXTRA_LDLIBS)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(dir $(VMLINUX)) -Ibpf -Wall

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
# everything but main.c: linked into unit tests and fuzzers too
CORE_OBJS := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
BPF_HDRS  := $(wildcard bpf/*.h)
DEMO_SRCS := $(wildcard tests/demos/*.c)
DEMOS     := $(patsubst tests/demos/%.c,$(OUTPUT)/demos/%,$(DEMO_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNITS     := $(patsubst tests/unit/%.c,$(OUTPUT)/unit/%,$(UNIT_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps run test test-unit test-e2e vmlinux clean install uninstall bench
.DELETE_ON_ERROR:

all: ipcsnoop $(DEMOS) $(UNITS)

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/demos $(OUTPUT)/unit:
	$(Q)mkdir -p $@

$(OUTPUT)/ipcsnoop.bpf.o: bpf/ipcsnoop.bpf.c $(BPF_HDRS) $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/ipcsnoop.skel.h: $(OUTPUT)/ipcsnoop.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ipcsnoop_bpf > $@

$(OUTPUT)/user/%.o: user/%.c $(wildcard user/*.h) bpf/ipcsnoop.h $(OUTPUT)/ipcsnoop.skel.h | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

ipcsnoop: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/demos/%: tests/demos/%.c tests/demos/demo.h | $(OUTPUT)/demos
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE $< -o $@

$(OUTPUT)/unit/%: tests/unit/%.c tests/unit/unit.h $(CORE_OBJS) | $(OUTPUT)/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Itests/unit $< $(CORE_OBJS) $(LDLIBS) -o $@

# Benchmark (tests/bench/, see README "Performance"): the floor object is
# generated from the SEC("...") names in bpf/, so it follows the merged kinds.
BENCH     := $(OUTPUT)/bench
BENCH_BIN := $(BENCH)/floor $(BENCH)/floor.bpf.o $(BENCH)/workloads

$(BENCH):
	$(Q)mkdir -p $@

$(BENCH)/floor.bpf.c: $(wildcard bpf/*.bpf.[ch]) tests/bench/gen-floor.sh tests/bench/sections.sh | $(BENCH)
	$(call msg,GEN,$@)
	$(Q)tests/bench/gen-floor.sh bpf $@

$(BENCH)/floor.bpf.o: $(BENCH)/floor.bpf.c $(VMLINUX)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH)/floor: tests/bench/floor.c | $(BENCH)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE $< $(LDLIBS) -o $@

$(BENCH)/workloads: tests/bench/workloads.c | $(BENCH)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE $< -o $@

# A measurement, not a test: prints PASS/MISS per budget line and exits 0.
# BENCH_REPS, BENCH_SCALE, BENCH_LONG=1 ... : see tests/bench/bench.sh
bench:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(BENCH_DEPS)"
	$(Q)$(MAKE) --no-print-directory ipcsnoop $(BENCH_BIN)
	$(Q)tests/bench/bench.sh

# Install the Debian packages that are missing (needs root and apt).
deps:
	@missing=$$(for p in $(DEPS) $(EXTRA_DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
		|| { echo "ipcsnoop: could not install $$missing (run as root on Debian 12)" >&2; exit 1; }; \
	fi

# The main job on a built-in default: trace the bundled demos, print who talked to whom.
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run-demos.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh

test-unit: all
	$(Q)tests/run.sh unit

test-e2e: all
	$(Q)tests/run.sh e2e

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

install: ipcsnoop
	install -D -m 0755 ipcsnoop $(DESTDIR)$(PREFIX)/sbin/ipcsnoop
	install -D -m 0644 doc/ipcsnoop.8 $(DESTDIR)$(PREFIX)/share/man/man8/ipcsnoop.8

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/ipcsnoop $(DESTDIR)$(PREFIX)/share/man/man8/ipcsnoop.8

clean:
	rm -rf $(OUTPUT) ipcsnoop
