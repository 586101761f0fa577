// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of any backend: programs that do nothing, attached wherever a
 * running process (ipcsnoop) has its BPF programs attached, one for one.
 * Unlike tests/bench/floor.c (empty copies of ipcsnoop's tracepoint
 * programs, by name) it follows what the process actually attached, so with
 * --backend fentry or kprobe the floor has the same trampolines and kprobes.
 *   mirror list PID           print PID's attachments, one a line:
 *       kprobe FUNC | kretprobe FUNC | tracepoint CATEGORY NAME |
 *       raw_tp NAME | tracing ATTACH-TYPE BTF-OBJECT-ID BTF-ID
 *     (perf events with a program, from BPF_TASK_FD_QUERY; raw tracepoint
 *     links, which tp_btf makes too; tracing links (fentry/fexit), whose fds
 *     it takes with pidfd_getfd, with the target their program was loaded for)
 *   mirror attach OBJECT.bpf.o < LIST
 *     attach the empty programs of OBJECT (tests/bench/mirror.bpf.c) there
 *     (kprobes, tracepoints), an empty program loaded for each raw_tp and
 *     tracing line; print "ready N ..."
 *     and wait for SIGINT or SIGTERM.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_LINKS 1024

static struct bpf_link *links[MAX_LINKS];
static int fds[MAX_LINKS];   /* tracing links: the link and the program */
static int nlinks, nfds;
static int n_kprobe, n_tp, n_raw, n_tracing;

static struct bpf_program *prog_of(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p) {
		fprintf(stderr, "mirror: %s is not in the object\n", name);
		exit(1);
	}
	return p;
}

static void keep_link(struct bpf_link *link, const char *what, const char *name)
{
	if (!link) {
		fprintf(stderr, "mirror: cannot attach to %s %s: %s\n", what, name, strerror(errno));
		exit(1);
	}
	if (nlinks == MAX_LINKS) {
		fprintf(stderr, "mirror: more than %d attachments\n", MAX_LINKS);
		exit(1);
	}
	links[nlinks++] = link;
}

/* The category of tracepoint NAME, from tracefs. */
static int tp_category(const char *name, char *cat, size_t len)
{
	static const char *roots[] = { "/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events" };

	for (size_t r = 0; r < 2; r++) {
		DIR *d = opendir(roots[r]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			char path[1024];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", roots[r], e->d_name, name);
			if (!access(path, F_OK)) {
				snprintf(cat, len, "%s", e->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -1;
}

/* fd of PID, if a tracing link (fentry, fexit): its "tracing" line */
static void list_tracing(int pid, int pidfd, int fd)
{
	char path[64], target[64];
	struct bpf_link_info info = {};
	struct bpf_prog_info pinfo = {};
	__u32 len = sizeof(info), plen = sizeof(pinfo), obj_id, btf_id;
	int lfd, pfd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0 || (target[n] = 0, strcmp(target, "anon_inode:bpf_link")))
		return;   /* a program, a map: get_info would take it for a link */
	lfd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (lfd < 0) {
		fprintf(stderr, "mirror: cannot take fd %d of %d: %s\n", fd, pid, strerror(errno));
		exit(1);
	}
	if (bpf_obj_get_info_by_fd(lfd, &info, &len) || info.type != BPF_LINK_TYPE_TRACING) {
		close(lfd);
		return;   /* a perf link (its perf event is listed) */
	}
	close(lfd);
	obj_id = info.tracing.target_obj_id;
	btf_id = info.tracing.target_btf_id;
	/* the target as the program was loaded for: a tp_btf link has no trampoline */
	pfd = bpf_prog_get_fd_by_id(info.prog_id);
	if (pfd >= 0 && !bpf_obj_get_info_by_fd(pfd, &pinfo, &plen) && pinfo.attach_btf_id) {
		obj_id = pinfo.attach_btf_obj_id;
		btf_id = pinfo.attach_btf_id;
	}
	if (pfd >= 0)
		close(pfd);
	printf("tracing %u %u %u\n", info.tracing.attach_type, obj_id, btf_id);
}

static int list(int pid)
{
	char path[64], name[256], cat[256];
	struct dirent *e;
	int pidfd;
	DIR *d;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (pidfd < 0 || !d) {
		fprintf(stderr, "mirror: process %d: %s\n", pid, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		__u32 len = sizeof(name), prog_id, type;
		__u64 off, addr;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (bpf_task_fd_query(pid, fd, 0, name, &len, &prog_id, &type, &off, &addr)) {
			list_tracing(pid, pidfd, fd);
			continue;
		}
		switch (type) {
		case BPF_FD_TYPE_KPROBE:
			printf("kprobe %s\n", name);
			break;
		case BPF_FD_TYPE_KRETPROBE:
			printf("kretprobe %s\n", name);
			break;
		case BPF_FD_TYPE_TRACEPOINT:
			if (tp_category(name, cat, sizeof(cat))) {
				fprintf(stderr, "mirror: no tracepoint %s in tracefs\n", name);
				return 1;
			}
			printf("tracepoint %s %s\n", cat, name);
			break;
		case BPF_FD_TYPE_RAW_TRACEPOINT:
			printf("raw_tp %s\n", name);
			break;
		default:
			fprintf(stderr, "mirror: fd %d: attachment type %u not mirrored\n", fd, type);
			return 1;
		}
	}
	closedir(d);
	close(pidfd);
	return 0;
}

static const struct bpf_insn empty[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void keep_fds(int link_fd, int prog_fd)
{
	if (nfds + 2 > MAX_LINKS) {
		fprintf(stderr, "mirror: more than %d attachments\n", MAX_LINKS / 2);
		exit(1);
	}
	fds[nfds++] = link_fd;
	fds[nfds++] = prog_fd;
}

/* An empty raw tracepoint program on NAME, one per attachment: a kernel may
 * refuse the same program twice on a raw tracepoint (6.1: EEXIST). */
static void attach_raw_tp(const char *name)
{
	int prog_fd, link_fd;

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "mirror_raw_tp", "GPL", empty, 2, NULL);
	if (prog_fd < 0) {
		fprintf(stderr, "mirror: cannot load a raw tracepoint program: %s\n", strerror(errno));
		exit(1);
	}
	link_fd = bpf_raw_tracepoint_open(name, prog_fd);
	if (link_fd < 0) {
		fprintf(stderr, "mirror: cannot attach to raw tracepoint %s: %s\n", name, strerror(errno));
		exit(1);
	}
	keep_fds(link_fd, prog_fd);
	n_raw++;
}

/* An empty tracing program for attach type TYPE on BTF-ID of OBJ-ID, attached. */
static void attach_tracing(unsigned type, unsigned obj_id, unsigned btf_id)
{
	int btf_fd, prog_fd, link_fd;
	LIBBPF_OPTS(bpf_prog_load_opts, opts);

	btf_fd = bpf_btf_get_fd_by_id(obj_id);
	if (btf_fd < 0) {
		fprintf(stderr, "mirror: no BTF object %u: %s\n", obj_id, strerror(errno));
		exit(1);
	}
	opts.expected_attach_type = type;
	opts.attach_btf_id = btf_id;
	opts.attach_btf_obj_fd = btf_fd;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "mirror_tracing", "GPL", empty, 2, &opts);
	close(btf_fd);
	if (prog_fd < 0) {
		fprintf(stderr, "mirror: cannot load a tracing program (attach type %u, BTF id %u): %s\n",
			type, btf_id, strerror(errno));
		exit(1);
	}
	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd < 0) {
		fprintf(stderr, "mirror: cannot attach a tracing program (BTF id %u): %s\n",
			btf_id, strerror(errno));
		exit(1);
	}
	keep_fds(link_fd, prog_fd);
	n_tracing++;
}

static int attach(const char *path)
{
	struct bpf_program *kprobe, *tp;
	struct bpf_object *obj;
	char line[512], a[256], b[256];
	unsigned t, o, i;
	sigset_t set;
	int sig, err;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "mirror: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "mirror: cannot load %s: %s\n", path, strerror(-err));
		return 1;
	}
	kprobe = prog_of(obj, "mirror_kprobe");
	tp = prog_of(obj, "mirror_tracepoint");
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "kprobe %255s", a) == 1) {
			keep_link(bpf_program__attach_kprobe(kprobe, false, a), "kprobe", a);
			n_kprobe++;
		} else if (sscanf(line, "kretprobe %255s", a) == 1) {
			keep_link(bpf_program__attach_kprobe(kprobe, true, a), "kretprobe", a);
			n_kprobe++;
		} else if (sscanf(line, "tracepoint %255s %255s", a, b) == 2) {
			keep_link(bpf_program__attach_tracepoint(tp, a, b), "tracepoint", b);
			n_tp++;
		} else if (sscanf(line, "raw_tp %255s", a) == 1) {
			attach_raw_tp(a);
		} else if (sscanf(line, "tracing %u %u %u", &t, &o, &i) == 3) {
			attach_tracing(t, o, i);
		} else {
			fprintf(stderr, "mirror: not an attachment: %s", line);
			return 1;
		}
	}
	printf("ready %d (%d kprobes, %d tracepoints, %d raw tracepoints, %d fentry/fexit)\n",
	       nlinks + n_raw + n_tracing, n_kprobe, n_tp, n_raw, n_tracing);
	fflush(stdout);
	sigwait(&set, &sig);
	for (int k = 0; k < nlinks; k++)
		bpf_link__destroy(links[k]);
	for (int k = 0; k < nfds; k++)
		close(fds[k]);
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "list"))
		return list(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "attach"))
		return attach(argv[2]);
	fprintf(stderr, "usage: mirror list PID | mirror attach OBJECT.bpf.o < LIST\n");
	return 2;
}
