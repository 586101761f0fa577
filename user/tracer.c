// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "ipcsnoop.skel.h"
#include "edge.h"
#include "log.h"
#include "tracer.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct tracer {
	struct ipcsnoop_bpf *skel;
	struct ring_buffer *rb;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool have_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int tracer_check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data)) {
		p_err("cannot read capabilities: %s", strerror(errno));
		return -1;
	}
	if (!have_cap(data, CAP_SYS_ADMIN) &&
	    !(have_cap(data, CAP_BPF) && have_cap(data, CAP_PERFMON))) {
		p_err("needs root, or CAP_BPF and CAP_PERFMON (try: sudo ipcsnoop)");
		return -1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		p_err("kernel has no BTF: /sys/kernel/btf/vmlinux is missing "
		      "(needs a kernel built with CONFIG_DEBUG_INFO_BTF=y)");
		return -1;
	}
	return 0;
}

/* Programs are named <kind>_<hook>; "proc_" programs are always on; those
 * whose name ends in "_filtered" only serve a filter (-p, -c, COMMAND). */
static bool program_wanted(const struct env *env, const char *name)
{
	size_t len = strlen(name);

	if (len > 9 && !strcmp(name + len - 9, "_filtered") &&
	    !(env->npids || env->comm_set || env->command))
		return false;
	if (!strncmp(name, "proc_", 5))
		return true;
	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		const char *kn = ipc_kind_name(k);
		size_t n = strlen(kn);

		if (!strncmp(name, kn, n) && name[n] == '_')
			return kind_selected(env, k);
	}
	return false;
}

static void configure(struct ipcsnoop_bpf *skel, const struct env *env)
{
	struct bpf_program *prog;

	skel->rodata->self_tgid = getpid();
	skel->rodata->filter_active = env->npids || env->comm_set || env->command;
	skel->rodata->follow_children = env->command != NULL;
	skel->rodata->data_max = env->data_bytes;
	if (env->comm_set) {
		skel->rodata->filter_comm_set = true;
		memcpy((char *)skel->rodata->filter_comm, env->comm, IPCSNOOP_COMM_LEN);
	}
	bpf_map__set_max_entries(skel->maps.events, env->ringbuf_bytes);
	bpf_object__for_each_program(prog, skel->obj) {
		bool on = program_wanted(env, bpf_program__name(prog));

		bpf_program__set_autoload(prog, on);
		p_debug("program %s: %s", bpf_program__name(prog), on ? "on" : "off");
	}
}

struct tracer *tracer__new(const struct env *env, record_fn on_record, void *ctx)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int err;

	if (!t) {
		p_err("out of memory");
		return NULL;
	}
	libbpf_set_print(libbpf_print);
	t->skel = ipcsnoop_bpf__open();
	if (!t->skel) {
		p_err("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	configure(t->skel, env);
	err = ipcsnoop_bpf__load(t->skel);
	if (err) {
		p_err("cannot load the BPF programs: %s (run with -v for libbpf's log)", strerror(-err));
		goto fail;
	}
	err = ipcsnoop_bpf__attach(t->skel);
	if (err) {
		p_err("cannot attach to the tracepoints: %s (run with -v for details)", strerror(-err));
		goto fail;
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_record, ctx, NULL);
	if (!t->rb) {
		p_err("cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return t;
fail:
	tracer__free(t);
	return NULL;
}

int tracer__trace_pid(struct tracer *t, __u32 pid)
{
	__u8 one = 1;

	if (bpf_map__update_elem(t->skel->maps.traced_tgids, &pid, sizeof(pid), &one, sizeof(one),
				 BPF_ANY)) {
		p_err("cannot add pid %u to the filter: %s", pid, strerror(errno));
		return -1;
	}
	return 0;
}

int tracer__map_fd(struct tracer *t, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(t->skel->obj, name);

	return map ? bpf_map__fd(map) : -1;
}

int tracer__poll(struct tracer *t, int timeout_ms)
{
	return ring_buffer__poll(t->rb, timeout_ms);
}

int tracer__drain(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

void tracer__drops(struct tracer *t, __u64 drops[IPC_KIND_COUNT])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;

	memset(drops, 0, sizeof(__u64) * IPC_KIND_COUNT);
	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return;
	for (__u32 k = 0; k < IPC_KIND_COUNT; k++) {
		if (bpf_map__lookup_elem(t->skel->maps.drops, &k, sizeof(k), vals,
					 sizeof(*vals) * ncpu, 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			drops[k] += vals[c];
	}
	free(vals);
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	ipcsnoop_bpf__destroy(t->skel);
	free(t);
}
