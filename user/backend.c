// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --backend: which programs serve each hook. A hook is one thing the kernel
 * does that makes records (a pipe write...): its tracepoint programs, and the
 * programs of its function variants (bpf/fn_*.bpf.h) with the kernel
 * functions they go on. Functions are found in the kernel's BTF at run time
 * (pipe_write became anon_pipe_write + fifo_pipe_write in 6.16): never by
 * kernel version. auto takes, per hook, the first of fentry, kprobe,
 * tracepoint that loads and attaches here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "backend.h"
#include "log.h"
#include "options.h"

#define MAX_TARGETS 3             /* functions per target set */
#define MAX_PROGS 8

struct hook {
	const char *name;                           /* for -v and messages */
	enum ipc_kind kind;
	const char *tp[MAX_PROGS];                   /* its tracepoint programs */
	const char *targets[2][MAX_TARGETS + 1];     /* alternative function sets */
	const char *fentry[MAX_TARGETS][MAX_PROGS];  /* per function of the set */
	const char *kprobe[MAX_PROGS];               /* attached to every function of the set */
};

static const struct hook hooks[] = {
	{
		.name = "pipe write", .kind = IPC_PIPE,
		.tp = { "pipe_write_enter", "pipe_write_exit", "pipe_writev_enter",
			"pipe_writev_exit", "pipe_pwritev2_enter", "pipe_pwritev2_exit" },
		.targets = { { "pipe_write" }, { "anon_pipe_write", "fifo_pipe_write" } },
		.fentry = { { "pipe_fwrite_enter_fentry", "pipe_fwrite_exit_fentry" },
			    { "pipe_fwrite_enter_fentry_2", "pipe_fwrite_exit_fentry_2" } },
		.kprobe = { "pipe_fwrite_enter_kprobe", "pipe_fwrite_exit_kprobe" },
	},
	{
		.name = "pipe read", .kind = IPC_PIPE,
		.tp = { "pipe_read_enter_filtered", "pipe_readv_enter_filtered",
			"pipe_preadv2_enter_filtered", "pipe_read_exit_tp", "pipe_readv_exit",
			"pipe_preadv2_exit" },
		.targets = { { "pipe_read" }, { "anon_pipe_read", "fifo_pipe_read" } },
		.fentry = { { "pipe_fread_exit_fentry", "pipe_fread_enter_fentry_filtered" },
			    { "pipe_fread_exit_fentry_2", "pipe_fread_enter_fentry_2_filtered" } },
		.kprobe = { "pipe_fread_enter_kprobe", "pipe_fread_exit_kprobe" },
	},
	{
		/* splice(2) and io_uring's IORING_OP_SPLICE both run do_splice */
		.name = "pipe splice", .kind = IPC_PIPE,
		.tp = { "pipe_splice_enter", "pipe_splice_exit" },
		.targets = { { "do_splice" } },
		.fentry = { { "pipe_fsplice_enter_fentry", "pipe_fsplice_exit_fentry" } },
		.kprobe = { "pipe_fsplice_enter_kprobe", "pipe_fsplice_exit_kprobe" },
	},
	{
		.name = "msg send", .kind = IPC_MSG,
		.tp = { "msg_snd_enter", "msg_snd_exit" },
		.targets = { { "do_msgsnd" } },
		.fentry = { { "msg_fsnd_enter_fentry", "msg_fsnd_exit_fentry" } },
		.kprobe = { "msg_fsnd_enter_kprobe", "msg_fsnd_exit_kprobe" },
	},
	{
		.name = "msg receive", .kind = IPC_MSG,
		.tp = { "msg_rcv_enter", "msg_rcv_exit" },
		.targets = { { "do_msgrcv" } },
		.fentry = { { "msg_frcv_enter_fentry", "msg_frcv_exit_fentry" } },
		.kprobe = { "msg_frcv_enter_kprobe", "msg_frcv_exit_kprobe" },
	},
	{
		.name = "shm attach", .kind = IPC_SHM,
		.tp = { "shm_at_enter", "shm_at_exit" },
		.targets = { { "do_shmat" } },
		.fentry = { { "shm_fat_enter_fentry", "shm_fat_exit_fentry" } },
		.kprobe = { "shm_fat_enter_kprobe", "shm_fat_exit_kprobe" },
	},
	{
		.name = "unix send", .kind = IPC_UNIX,
		.tp = { "unix_ready" },
		.targets = { { "sock_def_readable" } },
		.fentry = { { "unix_fready_fentry" } },
		.kprobe = { "unix_fready_kprobe" },
	},
	{
		.name = "unix receive", .kind = IPC_UNIX,
		.tp = { "unix_recv" },
		.targets = { { "unix_stream_recvmsg", "unix_dgram_recvmsg", "unix_seqpacket_recvmsg" } },
		.fentry = { { "unix_frecv_fentry" }, { "unix_frecv_fentry_2" }, { "unix_frecv_fentry_3" } },
		.kprobe = { "unix_frecv_enter_kprobe", "unix_frecv_exit_kprobe" },
	},
};

#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

/* What backend_choose decided, for backend_attach */
static struct {
	enum backend variant;
	int set;                      /* index into targets */
} chosen[NHOOKS];

struct backend_links {
	int n;
	struct bpf_link *link[NHOOKS * MAX_TARGETS * MAX_PROGS];
};

static const char *const names[] = {
	[BACKEND_AUTO] = "auto", [BACKEND_TRACEPOINT] = "tracepoint",
	[BACKEND_FENTRY] = "fentry", [BACKEND_KPROBE] = "kprobe",
};

int backend_parse(const char *name)
{
	for (int b = 0; b < (int)(sizeof(names) / sizeof(names[0])); b++)
		if (!strcmp(name, names[b]))
			return b;
	return -1;
}

const char *backend_name(enum backend b)
{
	return b <= BACKEND_KPROBE ? names[b] : "?";
}

/* ---- probes: can a trivial program of the variant load and attach on func? ---- */

static int trivial_prog(enum bpf_prog_type type, enum bpf_attach_type at, int btf_id)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = at, .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, "ipcsnoop_probe", "GPL", insns, 2, &o);

	return fd < 0 ? -errno : fd;
}

/* 0, or -errno with *why set */
static int probe_fentry(const struct btf *vmlinux, const char *func, const char **why)
{
	int id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC), fd, lfd, err;

	if (id <= 0) {
		*why = "not in the kernel's BTF";
		return -ENOENT;
	}
	fd = trivial_prog(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id);
	if (fd < 0) {
		*why = "the kernel refuses to load fentry programs";
		return fd;
	}
	lfd = bpf_raw_tracepoint_open(NULL, fd);
	err = lfd < 0 ? -errno : 0;
	if (lfd >= 0)
		close(lfd);
	close(fd);
	if (err)
		*why = "an fentry program loads but does not attach";
	return err;
}

static int kprobe_pmu_type(void)
{
	char buf[32] = "";
	int fd = open("/sys/bus/event_source/devices/kprobe/type", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int probe_kprobe(const char *func, const char **why)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type = kprobe_pmu_type(), fd, pfd, err = 0;

	if (type < 0) {
		*why = "the kernel has no kprobes (no kprobe event source)";
		return -EOPNOTSUPP;
	}
	fd = trivial_prog(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (fd < 0) {
		*why = "the kernel refuses to load kprobe programs";
		return fd;
	}
	attr.type = type;
	attr.config1 = (__u64)(unsigned long)func;
	pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		*why = "no kprobe can be placed on it";
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd)) {
		err = -errno;
		*why = "a kprobe program does not attach to it";
	}
	if (pfd >= 0)
		close(pfd);
	close(fd);
	return err;
}

/* ---- choosing ---- */

/* The first target set whose functions are all in the kernel's BTF, or -1 */
static int target_set(const struct hook *h, const struct btf *vmlinux)
{
	for (int s = 0; s < 2 && h->targets[s][0]; s++) {
		bool all = true;

		for (int i = 0; h->targets[s][i]; i++)
			if (btf__find_by_name_kind(vmlinux, h->targets[s][i], BTF_KIND_FUNC) <= 0)
				all = false;
		if (all)
			return s;
	}
	return -1;
}

static void targets_text(const struct hook *h, int set, char *buf, size_t cap)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; h->targets[set][i] && at < cap; i++)
		at += snprintf(buf + at, cap - at, "%s%s", i ? "+" : "", h->targets[set][i]);
}

/* Does variant b (fentry or kprobe) work on every function of the set? */
static int probe_set(enum backend b, const struct hook *h, int set, const struct btf *vmlinux,
		     char *why, size_t cap)
{
	for (int i = 0; h->targets[set][i]; i++) {
		const char *func = h->targets[set][i], *reason = "";
		int err = b == BACKEND_FENTRY ? probe_fentry(vmlinux, func, &reason)
					      : probe_kprobe(func, &reason);

		if (err) {
			snprintf(why, cap, "%s on %s: %s (%s)", names[b], func, reason, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void set_autoload(struct bpf_object *obj, const char *name, bool on)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (p && !on)
		bpf_program__set_autoload(p, false);
}

/* Leave loaded (as the kinds and the filter decided) only the variant's programs. */
static int apply(struct bpf_object *obj, const struct hook *h, enum backend b, int set)
{
	for (int i = 0; i < MAX_PROGS && h->tp[i]; i++)
		set_autoload(obj, h->tp[i], b == BACKEND_TRACEPOINT);
	for (int i = 0; i < MAX_PROGS && h->kprobe[i]; i++)
		set_autoload(obj, h->kprobe[i], b == BACKEND_KPROBE);
	for (int t = 0; t < MAX_TARGETS; t++) {
		const char *func = set >= 0 ? h->targets[set][t] : NULL;

		for (int i = 0; i < MAX_PROGS && h->fentry[t][i]; i++) {
			struct bpf_program *p = bpf_object__find_program_by_name(obj, h->fentry[t][i]);

			if (!p)
				continue;
			if (b != BACKEND_FENTRY || !func) {
				bpf_program__set_autoload(p, false);
				continue;
			}
			if (bpf_program__autoload(p) && bpf_program__set_attach_target(p, 0, func)) {
				p_err("cannot set the target %s of program %s", func, h->fentry[t][i]);
				return -1;
			}
		}
	}
	return 0;
}

int backend_choose(struct bpf_object *obj, const struct env *env, bool tracepoints_only,
		   bool *used_functions)
{
	enum backend want = tracepoints_only ? BACKEND_TRACEPOINT : env->backend;
	struct btf *vmlinux = NULL;
	int err = 0;

	bool any = false;

	*used_functions = false;
	for (size_t k = 0; k < NHOOKS; k++)
		any |= kind_selected(env, hooks[k].kind);
	if (want != BACKEND_TRACEPOINT && any) {   /* reading the BTF takes time: only if needed */
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux) {
			if (want != BACKEND_AUTO) {
				p_err("--backend %s: cannot read the kernel's BTF: %s", names[want],
				      strerror(errno));
				return -1;
			}
			p_debug("backend: cannot read the kernel's BTF (%s): tracepoints everywhere",
				strerror(errno));
			want = BACKEND_TRACEPOINT;
		}
	}
	for (size_t k = 0; k < NHOOKS; k++) {
		const struct hook *h = &hooks[k];
		enum backend got = BACKEND_TRACEPOINT;
		char why[2][256] = { "", "" }, funcs[128] = "";
		int set = -1, n = 0;

		if (!kind_selected(env, h->kind)) {
			apply(obj, h, BACKEND_TRACEPOINT, -1);   /* none of it loads anyway */
			chosen[k].variant = BACKEND_TRACEPOINT;
			continue;
		}
		if (want == BACKEND_KPROBE && !h->kprobe[0]) {
			/* like the hooks with no function variant at all: tracepoints */
			snprintf(why[n++], sizeof(why[0]), "no kprobe variant: its programs read "
				 "the kernel's structures directly, as only fentry allows");
		} else if (want != BACKEND_TRACEPOINT) {
			set = target_set(h, vmlinux);
			if (set < 0) {
				char alt[128] = "";

				if (h->targets[1][0])
					targets_text(h, 1, alt, sizeof(alt));
				targets_text(h, 0, funcs, sizeof(funcs));
				snprintf(why[n++], sizeof(why[0]), "no function %s%s%s in the kernel's BTF",
					 funcs, alt[0] ? " or " : "", alt);
			} else {
				targets_text(h, set, funcs, sizeof(funcs));
				if (want == BACKEND_AUTO || want == BACKEND_FENTRY) {
					if (!probe_set(BACKEND_FENTRY, h, set, vmlinux, why[n], sizeof(why[0])))
						got = BACKEND_FENTRY;
					else
						n++;
				}
				if (got == BACKEND_TRACEPOINT && !h->kprobe[0] && want == BACKEND_AUTO) {
					snprintf(why[n++], sizeof(why[0]), "no kprobe variant");
				} else if (got == BACKEND_TRACEPOINT &&
					   (want == BACKEND_AUTO || want == BACKEND_KPROBE)) {
					if (!probe_set(BACKEND_KPROBE, h, set, vmlinux, why[n], sizeof(why[0])))
						got = BACKEND_KPROBE;
					else
						n++;
				}
			}
			if (want != BACKEND_AUTO && got != want) {
				p_err("--backend %s cannot trace the %s here: %s (try --backend auto)",
				      names[want], h->name, why[n - 1]);
				err = -1;
				break;
			}
		}
		/* -v: one line per hook, what was chosen and why not the others */
		if (got != BACKEND_TRACEPOINT)
			p_debug("backend: %s: %s on %s%s%s%s", h->name, names[got], funcs,
				n ? " (" : "", why[0], n ? ")" : "");
		else if (want == BACKEND_TRACEPOINT)
			p_debug("backend: %s: tracepoints (%s)", h->name, tracepoints_only ?
				"function hooks failed to load or attach" : "--backend tracepoint");
		else
			p_debug("backend: %s: tracepoints (%s%s%s)", h->name, why[0],
				n > 1 ? "; " : "", n > 1 ? why[1] : "");
		chosen[k].variant = got;
		chosen[k].set = set;
		if (got != BACKEND_TRACEPOINT)
			*used_functions = true;
		if (apply(obj, h, got, set)) {
			err = -1;
			break;
		}
	}
	btf__free(vmlinux);
	return err;
}

int backend_attach(struct bpf_object *obj, struct backend_links **out)
{
	struct backend_links *l = calloc(1, sizeof(*l));

	*out = l;
	if (!l) {
		p_err("out of memory");
		return -1;
	}
	for (size_t k = 0; k < NHOOKS; k++) {
		const struct hook *h = &hooks[k];

		if (chosen[k].variant != BACKEND_KPROBE)
			continue;
		for (int i = 0; i < MAX_PROGS && h->kprobe[i]; i++) {
			struct bpf_program *p = bpf_object__find_program_by_name(obj, h->kprobe[i]);
			bool ret;

			if (!p || !bpf_program__autoload(p))
				continue;
			ret = !strcmp(bpf_program__section_name(p), "kretprobe");
			for (int t = 0; t < MAX_TARGETS && h->targets[chosen[k].set][t]; t++) {
				const char *func = h->targets[chosen[k].set][t];
				struct bpf_link *link = bpf_program__attach_kprobe(p, ret, func);

				if (!link) {
					p_err("cannot attach a %s to %s: %s", ret ? "kretprobe" : "kprobe",
					      func, strerror(errno));
					return -1;
				}
				l->link[l->n++] = link;
			}
		}
	}
	return 0;
}

void backend_detach(struct backend_links *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->n; i++)
		bpf_link__destroy(l->link[i]);
	free(l);
}
