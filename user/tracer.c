// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "ipcsnoop.skel.h"
#include "backend.h"
#include "edge.h"
#include "kfunc_probe.h"
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
	struct backend_links *links;  /* kprobes attached by backend_attach */
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

/* Programs are named <kind>_<hook>: the kind, or -1 for "proc_" (always on). */
static int program_kind(const char *name)
{
	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		const char *kn = ipc_kind_name(k);
		size_t n = strlen(kn);

		if (k != IPC_PROC && !strncmp(name, kn, n) && name[n] == '_')
			return k;
	}
	return -1;
}

/* Those whose name ends in "_filtered" only serve a filter (-p, -c, COMMAND). */
static bool program_wanted(const struct env *env, const char *name)
{
	int kind = program_kind(name);
	size_t len = strlen(name);

	if (len > 9 && !strcmp(name + len - 9, "_filtered") &&
	    !(env->npids || env->comm_set || env->command))
		return false;
	if (kind < 0)
		return !strncmp(name, "proc_", 5);
	return kind_selected(env, kind);
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
	skel->rodata->summary_only = env->summary_only;
	if (!env->summary_only || !kind_selected(env, IPC_UNIX)) {
		/* the unix aggregation maps serve -s only */
		bpf_map__set_max_entries(skel->maps.unix_agg, 1);
	}
	/* pipes: -s without -x (bpf/pipe_agg.bpf.h) */
	skel->rodata->pipe_agg_on = env->summary_only && !env->data_bytes &&
				    kind_selected(env, IPC_PIPE);
	if (!skel->rodata->pipe_agg_on) {
		bpf_map__set_max_entries(skel->maps.pipe_agg, 1);
		bpf_map__set_max_entries(skel->maps.pipe_agg_state, 1);
	}
	/* SysV message queues: -s without -x (bpf/msg_agg.bpf.h) */
	skel->rodata->msg_agg_on = env->summary_only && !env->data_bytes &&
				   kind_selected(env, IPC_MSG);
	if (!skel->rodata->msg_agg_on) {
		bpf_map__set_max_entries(skel->maps.msg_agg, 1);
		bpf_map__set_max_entries(skel->maps.msg_agg_state, 1);
	}
	/* small steps: a reader that sleeps is woken long before the ring fills */
	skel->rodata->wakeup_bytes = env->ringbuf_bytes / 64;
	bpf_map__set_max_entries(skel->maps.events, env->ringbuf_bytes);
	bpf_object__for_each_program(prog, skel->obj) {
		bool on = program_wanted(env, bpf_program__name(prog));

		bpf_program__set_autoload(prog, on);
		p_debug("program %s: %s", bpf_program__name(prog), on ? "on" : "off");
	}
}

/* Is the tracepoint a program section names there on this kernel? */
static bool target_exists(const struct btf *vmlinux, const char *sec)
{
	const char *slash = strchr(sec, '/');
	char path[256];

	if (!slash)
		return true;
	if (!strncmp(sec, "tp_btf/", 7) || !strncmp(sec, "raw_tp/", 7)) {
		snprintf(path, sizeof(path), "btf_trace_%s", slash + 1);
		return !vmlinux || btf__find_by_name_kind(vmlinux, path, BTF_KIND_TYPEDEF) > 0;
	}
	if (!strncmp(sec, "tracepoint/", 11)) {
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s", slash + 1);
		if (!access(path, F_OK))
			return true;
		snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s", slash + 1);
		return !access(path, F_OK);
	}
	return true;
}

/*
 * Kernels differ in their tracepoints (sock:sk_data_ready came in 6.3...).
 * A kind whose hooks are not all there is left out, with a warning; named
 * with -t, it is an error. Probed here, at run time, never by version.
 */
static int drop_missing_kinds(struct ipcsnoop_bpf *skel, const struct env *env)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct bpf_program *prog;
	__u32 missing = 0;
	int err = 0;

	if (!vmlinux)
		p_debug("cannot read the kernel's BTF to probe tracepoints: %s", strerror(errno));
	skel->rodata->rdonly_void_cast = probe_rdonly_void_cast(vmlinux);
	bpf_object__for_each_program(prog, skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		int kind = program_kind(bpf_program__name(prog));

		if (!bpf_program__autoload(prog) || kind < 0 || target_exists(vmlinux, sec))
			continue;
		if (!(missing & (1u << kind))) {
			if (env->kinds_given) {
				p_err("kind '%s' cannot be traced on this kernel: no tracepoint %s",
				      ipc_kind_name(kind), strchr(sec, '/') + 1);
				err = -1;
			} else {
				p_warn("kind '%s' left out: this kernel has no tracepoint %s",
				       ipc_kind_name(kind), strchr(sec, '/') + 1);
			}
		}
		missing |= 1u << kind;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		int kind = program_kind(bpf_program__name(prog));

		if (kind >= 0 && (missing & (1u << kind)))
			bpf_program__set_autoload(prog, false);
	}
	btf__free(vmlinux);
	return err;
}

/*
 * Classic tracepoints (tracepoint/syscalls/...) are looked up in tracefs. Where
 * it is not mounted, mount it in a mount namespace of our own: the host's
 * mounts stay as they were (COMMAND, already started, keeps the host's view).
 */
static int ensure_tracefs(struct ipcsnoop_bpf *skel)
{
	struct bpf_program *prog;
	bool need = false;

	bpf_object__for_each_program(prog, skel->obj)
		if (bpf_program__autoload(prog) &&
		    !strncmp(bpf_program__section_name(prog), "tracepoint/", 11))
			need = true;
	if (!need || !access("/sys/kernel/tracing/events", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events", F_OK))
		return 0;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		p_err("tracefs is not mounted and could not be mounted: %s "
		      "(try: mount -t tracefs nodev /sys/kernel/tracing)", strerror(errno));
		return -1;
	}
	p_debug("tracefs mounted at /sys/kernel/tracing in ipcsnoop's own mount namespace");
	return 0;
}

/*
 * Open, choose the backend per hook, load and attach. With --backend auto, a
 * function hook that passed the probes but fails here (the verifier, an
 * attach) is not fatal: *retry is set and the caller tries tracepoints.
 */
static void detach_all(struct ipcsnoop_bpf *skel);

static int tracer_setup(struct tracer *t, const struct env *env, bool tracepoints_only, bool *retry)
{
	bool functions = false;
	int err;

	*retry = false;
	t->skel = ipcsnoop_bpf__open();
	if (!t->skel) {
		p_err("cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	configure(t->skel, env);
	if (backend_choose(t->skel->obj, env, tracepoints_only, &functions))
		return -1;
	if (ensure_tracefs(t->skel) || drop_missing_kinds(t->skel, env))
		return -1;
	*retry = functions && env->backend == BACKEND_AUTO;
	err = ipcsnoop_bpf__load(t->skel);
	if (err) {
		if (*retry) {
			p_debug("backend: the function hooks failed to load (%s): tracepoints",
				strerror(-err));
			return -1;
		}
		p_err("cannot load the BPF programs: %s (run with -v for libbpf's log)", strerror(-err));
		return -1;
	}
	err = ipcsnoop_bpf__attach(t->skel);
	if (!err)
		err = backend_attach(t->skel->obj, &t->links);
	if (err) {
		if (*retry) {
			p_debug("backend: the function hooks failed to attach: tracepoints");
			return -1;
		}
		p_err("cannot attach the BPF programs: %s (run with -v for details)", strerror(-err));
		return -1;
	}
	*retry = false;
	return 0;
}

static void tracer_teardown(struct tracer *t)
{
	ring_buffer__free(t->rb);
	t->rb = NULL;
	backend_detach(t->links);
	t->links = NULL;
	if (t->skel)
		detach_all(t->skel);
	ipcsnoop_bpf__destroy(t->skel);
	t->skel = NULL;
}

struct tracer *tracer__new(const struct env *env, record_fn on_record, void *ctx)
{
	struct tracer *t = calloc(1, sizeof(*t));
	bool retry;

	if (!t) {
		p_err("out of memory");
		return NULL;
	}
	libbpf_set_print(libbpf_print);
	if (tracer_setup(t, env, false, &retry)) {
		tracer_teardown(t);
		if (!retry || tracer_setup(t, env, true, &retry))
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
	__u32 *slot = &t->skel->bss->traced_slots[pid & (IPCSNOOP_TRACED_SLOTS - 1)];
	__u8 one = 1;

	/* the slot first: the programs ask the map only when it is not zero */
	__atomic_fetch_add(slot, 1, __ATOMIC_SEQ_CST);
	if (bpf_map__update_elem(t->skel->maps.traced_tgids, &pid, sizeof(pid), &one, sizeof(one),
				 BPF_NOEXIST)) {
		__atomic_fetch_sub(slot, 1, __ATOMIC_SEQ_CST);
		if (errno == EEXIST)
			return 0;               /* given twice */
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

void tracer__pipe_interest_seeded(struct tracer *t)
{
	t->skel->bss->pipe_interest_any = 1;
}

void tracer__unix_interest_seeded(struct tracer *t)
{
	t->skel->bss->unix_interest_any = 1;
}

void tracer__sysv_interest_seeded(struct tracer *t)
{
	t->skel->bss->sysv_queue_interest_any = 1;
}

int tracer__poll(struct tracer *t, int timeout_ms)
{
	int n = ring_buffer__poll(t->rb, timeout_ms), m;

	if (n < 0)
		return n;
	/*
	 * Records are submitted without a wakeup until a quarter of the ring is
	 * queued (record_submit): epoll says nothing about them, so take them
	 * on every poll, or a quiet run would show its edges only at exit.
	 */
	m = ring_buffer__consume(t->rb);
	return m < 0 ? m : n + m;
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

int tracer__take_signal_agg(struct tracer *t, sig_agg_fn fn, void *ctx)
{
	static struct sig_agg_key keys[SIG_AGG_MAX];
	struct bpf_map *map = t->skel->maps.sig_agg;
	struct sig_agg_key *prev = NULL;
	struct sig_agg_val val;
	int n = 0;

	/* collect the keys first: deleting while iterating restarts the walk */
	while (n < SIG_AGG_MAX &&
	       !bpf_map__get_next_key(map, prev, &keys[n], sizeof(keys[n]))) {
		prev = &keys[n];
		n++;
	}
	for (int i = 0; i < n; i++) {
		if (bpf_map__lookup_and_delete_elem(map, &keys[i], sizeof(keys[i]), &val,
						    sizeof(val), 0)) {
			/* kernels before 5.14: no lookup-and-delete on hash maps */
			if (bpf_map__lookup_elem(map, &keys[i], sizeof(keys[i]), &val, sizeof(val), 0))
				continue;
			bpf_map__delete_elem(map, &keys[i], sizeof(keys[i]), 0);
		}
		fn(ctx, &keys[i], &val);
	}
	return n;
}

/*
 * Reads and empties an aggregation map into keys/vals (max entries of ksz/vsz
 * bytes): the keys first (deleting while iterating restarts the walk), then
 * each entry read and deleted. Returns how many were taken.
 */
static int take_agg(struct bpf_map *map, char *k, size_t ksz, char *v, size_t vsz, int max)
{
	int n = 0, got = 0;

	while (n < max && !bpf_map__get_next_key(map, n ? k + (n - 1) * ksz : NULL, k + n * ksz, ksz))
		n++;
	for (int i = 0; i < n; i++) {
		char *key = k + i * ksz, *val = v + got * vsz;

		if (bpf_map__lookup_and_delete_elem(map, key, ksz, val, vsz, 0)) {
			/* kernels before 5.14: no lookup-and-delete on hash maps */
			if (bpf_map__lookup_elem(map, key, ksz, val, vsz, 0))
				continue;
			bpf_map__delete_elem(map, key, ksz, 0);
		}
		memmove(k + got++ * ksz, key, ksz);
	}
	return got;
}

int tracer__take_unix_agg(struct tracer *t, struct unix_agg_key **keys, struct unix_agg_val **vals)
{
	*keys = calloc(UNIX_AGG_MAX, sizeof(**keys));
	*vals = calloc(UNIX_AGG_MAX, sizeof(**vals));
	if (!*keys || !*vals)
		return -1;
	return take_agg(t->skel->maps.unix_agg, (char *)*keys, sizeof(**keys), (char *)*vals,
			sizeof(**vals), UNIX_AGG_MAX);
}

__u64 tracer__unix_agg_full(struct tracer *t)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals, sum = 0;
	__u32 zero = 0;

	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return 0;
	if (!bpf_map__lookup_elem(t->skel->maps.unix_agg_full, &zero, sizeof(zero), vals,
				  sizeof(*vals) * ncpu, 0))
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
	free(vals);
	return sum;
}

int tracer__take_pipe_agg(struct tracer *t, struct pipe_agg_key **keys, struct pipe_agg_val **vals)
{
	*keys = calloc(PIPE_AGG_MAX, sizeof(**keys));
	*vals = calloc(PIPE_AGG_MAX, sizeof(**vals));
	if (!*keys || !*vals)
		return -1;
	return take_agg(t->skel->maps.pipe_agg, (char *)*keys, sizeof(**keys), (char *)*vals,
			sizeof(**vals), PIPE_AGG_MAX);
}

__u64 tracer__pipe_agg_full(struct tracer *t)
{
	return t->skel->bss->pipe_agg_full;
}

int tracer__take_msg_agg(struct tracer *t, struct msg_agg_key **keys, struct msg_agg_val **vals)
{
	*keys = calloc(MSG_AGG_MAX, sizeof(**keys));
	*vals = calloc(MSG_AGG_MAX, sizeof(**vals));
	if (!*keys || !*vals)
		return -1;
	return take_agg(t->skel->maps.msg_agg, (char *)*keys, sizeof(**keys), (char *)*vals,
			sizeof(**vals), MSG_AGG_MAX);
}

__u64 tracer__msg_agg_full(struct tracer *t)
{
	return t->skel->bss->msg_agg_full;
}

int tracer__pipe_agg_held(struct tracer *t, pipe_held_fn fn, void *ctx)
{
	struct bpf_map *map = t->skel->maps.pipe_agg_state;
	struct pipe_id key, prev;
	struct pipe_agg_state st;
	int n = 0, walked = 0;

	while (walked < PIPE_AGG_PIPES &&
	       !bpf_map__get_next_key(map, walked ? &prev : NULL, &key, sizeof(key))) {
		walked++;
		prev = key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &st, sizeof(st), 0) ||
		    (st.ctl & PIPE_AGG_STREAM) || !st.owner_tgid)
			continue;
		if ((st.ctl & PIPE_AGG_PEND_MASK) == PIPE_AGG_BIAS &&
		    !((st.ctl >> PIPE_AGG_TID_SHIFT) & PIPE_AGG_TID_MASK))
			continue;       /* empty, no write in flight */
		fn(ctx, &key, &st);
		n++;
	}
	return n;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detaching a syscall tracepoint waits for an RCU grace period (they may fault,
 * so tasks-trace RCU: ~0.1 s each here). Detaching the links all at once lets
 * the waits overlap in part (the kernel still takes them one at a time under
 * event_mutex): exit with the SysV kinds' 28 syscall tracepoints 2.9 s -> 1.5 s.
 */
static void detach_all(struct ipcsnoop_bpf *skel)
{
	const struct bpf_object_skeleton *s = skel->skeleton;
	pthread_t *tids = calloc(s->prog_cnt, sizeof(*tids));
	bool *started = calloc(s->prog_cnt, sizeof(*started));

	for (int i = 0; tids && started && i < s->prog_cnt; i++) {
		struct bpf_link **link = ((struct bpf_prog_skeleton *)((char *)s->progs +
					  (size_t)i * s->prog_skel_sz))->link;

		if (!link || !*link)
			continue;
		started[i] = !pthread_create(&tids[i], NULL, destroy_link, *link);
		if (!started[i])
			bpf_link__destroy(*link);
		*link = NULL;
	}
	for (int i = 0; tids && started && i < s->prog_cnt; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	free(tids);
	free(started);
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	tracer_teardown(t);
	free(t);
}
