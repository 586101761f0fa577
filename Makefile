# ipcsnoop — build, test, run, install.   `make V=1` shows full commands.
# `make test SANITIZE=1` builds ipcsnoop and the unit tests with ASan+UBSan
# into .output-san/ and runs every test with them. `make fuzz`, `make soak`.
ifeq ($(SANITIZE),1)
OUTPUT    := .output-san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BIN       := $(OUTPUT)/ipcsnoop
else
OUTPUT    := .output
SAN_FLAGS :=
BIN       := ipcsnoop
endif
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= gcc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX   := vmlinux/$(ARCH)/vmlinux.h
PREFIX    ?= /usr/local
DESTDIR   ?=

# Debian 12 packages the build, the tests and `make run` need.
DEPS      := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev gcc make \
             pkg-config jq graphviz \
             redis-server
BENCH_DEPS := strace bpftrace
# `make test-kernels` (QEMU boots Debian's cloud kernels from an initramfs)
KERNEL_DEPS := qemu-system-x86 busybox-static cpio
KERNELS   ?= 6.1 6.12
FUZZ_DEPS := clang libclang-rt-14-dev
SOAK_DEPS := stress-ng

CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wno-unused-parameter
USER_CFLAGS := $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -Ibpf -Iuser $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDLIBS    := -lbpf -lelf -lz $(EXTRA_LDLIBS)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(dir $(VMLINUX)) -Ibpf -Wall

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
# everything but main.c: linked into unit tests and fuzzers too
CORE_OBJS := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
BPF_HDRS  := $(wildcard bpf/*.h)
DEMO_SRCS := $(wildcard tests/demos/*.c)
DEMOS     := $(patsubst tests/demos/%.c,$(OUTPUT)/demos/%,$(DEMO_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNITS     := $(patsubst tests/unit/%.c,$(OUTPUT)/unit/%,$(UNIT_SRCS))
STATIC_DEMOS := $(patsubst tests/demos/%.c,$(OUTPUT)/static/demos/%,$(DEMO_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps run test test-unit test-e2e vmlinux clean install uninstall bench static \
	bench-kernels test-kernels fuzz fuzz-build fuzz-corpus soak
.DELETE_ON_ERROR:

all: $(BIN) $(DEMOS) $(UNITS)

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/demos $(OUTPUT)/unit $(OUTPUT)/static/demos:
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

$(BIN): $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/demos/%: tests/demos/%.c $(wildcard tests/demos/*.h) | $(OUTPUT)/demos
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE $< -o $@

# Statically linked ipcsnoop and demos, for the test guests of `make test-kernels`.
static: $(OUTPUT)/static/ipcsnoop $(STATIC_DEMOS)

$(OUTPUT)/static/ipcsnoop: $(USER_OBJS) | $(OUTPUT)/static/demos
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) -static $^ $(LDLIBS) -o $@

$(OUTPUT)/static/demos/%: tests/demos/%.c $(wildcard tests/demos/*.h) | $(OUTPUT)/static/demos
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -static $< -o $@

$(OUTPUT)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(CORE_OBJS) | $(OUTPUT)/unit
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

# The workloads and the mirror floor (empty programs wherever ipcsnoop attached
# its own, whatever the backend), static, for the test guests (tests/kernels/bench.sh).
STATIC_BENCH := $(OUTPUT)/static/bench/workloads $(OUTPUT)/static/bench/mirror

static: $(STATIC_BENCH) $(BENCH)/mirror.bpf.o

$(OUTPUT)/static/bench:
	$(Q)mkdir -p $@

$(OUTPUT)/static/bench/workloads: tests/bench/workloads.c | $(OUTPUT)/static/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -static $< -o $@

$(OUTPUT)/static/bench/mirror: tests/bench/mirror.c | $(OUTPUT)/static/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -static $< $(LDLIBS) -o $@

$(BENCH)/mirror.bpf.o: tests/bench/mirror.bpf.c $(VMLINUX) | $(BENCH)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# A measurement, not a test: prints PASS/MISS per budget line and exits 0.
# BENCH_REPS, BENCH_SCALE, BENCH_LONG=1 ... : see tests/bench/bench.sh
# Then the same kind of bench inside the $(KERNELS) guests, per backend
# (bench-kernels; BENCH_KERNELS=0 skips it; GUEST_BENCH_*: tests/kernels/bench.sh).
BENCH_KERNELS ?= 1
bench:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(BENCH_DEPS)"
	$(Q)$(MAKE) --no-print-directory ipcsnoop $(BENCH_BIN)
	$(Q)tests/bench/bench.sh
	$(Q)if [ "$(BENCH_KERNELS)" != 0 ]; then $(MAKE) --no-print-directory bench-kernels; fi

bench-kernels:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(KERNEL_DEPS)"
	$(Q)$(MAKE) --no-print-directory static
	$(Q)tests/kernels/bench.sh $(KERNELS)

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

# the tests find the build through these (and run make for themselves without our flags)
TEST_ENV  := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL OUTPUT=$(OUTPUT) IPCSNOOP=$(abspath $(BIN)) \
	     DEMOS=$(abspath $(OUTPUT)/demos)

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(TEST_ENV) tests/run.sh

# The end-to-end suite inside Debian's $(KERNELS) cloud kernels, under QEMU.
test-kernels:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(KERNEL_DEPS)"
	$(Q)$(MAKE) --no-print-directory static
	$(Q)tests/kernels/run.sh $(KERNELS)

test-unit: all
	$(Q)$(TEST_ENV) tests/run.sh unit

test-e2e: all
	$(Q)$(TEST_ENV) tests/run.sh e2e

# ---- fuzzing: libFuzzer targets (clang, ASan+UBSan) over records, escaping, options
FUZZ_SECONDS ?= 60
FUZZ_DIR   := .output/fuzz
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all $(WARNINGS) \
	      -std=gnu11 -D_GNU_SOURCE -I.output -Ibpf -Iuser
FUZZ_SRCS  := $(filter-out user/main.c user/tracer.c,$(USER_SRCS))
FUZZ_OBJS  := $(patsubst user/%.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_SRCS))
FUZZERS    := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_DIR)/obj/%.o: user/%.c $(wildcard user/*.h) bpf/ipcsnoop.h
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/records.h $(FUZZ_OBJS)
	$(call msg,FUZZER,$@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) $(LDLIBS) -o $@

$(FUZZ_DIR)/gen_corpus: tests/fuzz/gen_corpus.c tests/fuzz/records.h $(FUZZ_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $< $(FUZZ_OBJS) $(LDLIBS) -o $@

fuzz-build: $(FUZZERS) $(FUZZ_DIR)/gen_corpus

# Each target runs FUZZ_SECONDS on the committed corpus (tests/fuzz/corpus/) plus
# seeds generated now for every record type the correlator accepts.
fuzz:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(FUZZ_DEPS)"
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS)

# Regenerate the committed seed corpus (after adding record types).
fuzz-corpus: $(FUZZ_DIR)/gen_corpus
	$(Q)rm -rf tests/fuzz/corpus && $(FUZZ_DIR)/gen_corpus tests/fuzz/corpus

# ---- soak: stress-ng's IPC stressors under ipcsnoop for SOAK_SECONDS (default 180)
SOAK_SECONDS ?= 180
soak:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_DEPS="$(SOAK_DEPS)"
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(TEST_ENV) SOAK_SECONDS=$(SOAK_SECONDS) tests/soak.sh

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

install: ipcsnoop
	install -D -m 0755 ipcsnoop $(DESTDIR)$(PREFIX)/sbin/ipcsnoop
	install -D -m 0644 doc/ipcsnoop.8 $(DESTDIR)$(PREFIX)/share/man/man8/ipcsnoop.8

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/ipcsnoop $(DESTDIR)$(PREFIX)/share/man/man8/ipcsnoop.8

clean:
	rm -rf .output .output-san ipcsnoop
