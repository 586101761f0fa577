// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "correlator.h"
#include "edge.h"
#include "log.h"
#include "options.h"

#define DEFAULT_RINGBUF (4u << 20)
#define MIN_RINGBUF 4096u
#define MAX_RINGBUF (1u << 30)

static const char usage[] =
"Usage: ipcsnoop [OPTIONS] [-- COMMAND [ARG...]]\n"
"Show which processes talk to which through the kernel: signals, pipes, FIFOs,\n"
"SysV and POSIX IPC, unix sockets. One line per edge: SRC -> DST over an object.\n"
"\n"
"Without COMMAND, trace the whole machine until SIGINT/SIGTERM/SIGHUP.\n"
"With COMMAND, run it and trace it and all its descendants; exit with its status.\n"
"\n"
"Options:\n"
"  -p, --pid=PID        trace edges with this process at either end (repeatable)\n"
"  -c, --comm=COMM      trace edges with a process named COMM at either end\n"
"  -t, --kinds=LIST     comma list of kinds: %s (default: all)\n"
"  -j, --json           print JSON lines instead of text\n"
"  -o, --output=FILE    write edges to FILE (created mode 0600) instead of stdout\n"
"  -s, --summary        print only the summary table (at exit, and with -i)\n"
"  -i, --interval=N     also print a summary of the last N seconds every N seconds\n"
"      --dot=FILE       write a Graphviz graph of who talked to whom at exit\n"
"  -T, --relative-time  print seconds since start instead of wall-clock time\n"
"  -x, --data=N         capture the first N bytes (at most %d) of each transfer:\n"
"                       escaped text in text output, base64 in JSON (default 0)\n"
"      --ringbuf=BYTES  kernel ring buffer size, a power of two (default 4194304)\n"
"  -v, --verbose        print libbpf's log and what was chosen, on stderr\n"
"  -h, --help           print this help and exit\n"
"\n"
"Examples:\n"
"  ipcsnoop                        # every IPC edge on the machine\n"
"  ipcsnoop -- make test           # what make and its children say to each other\n"
"  ipcsnoop -t signal -p 1234      # who signals pid 1234, and whom it signals\n"
"  ipcsnoop -j -o edges.json -c nginx\n"
"  ipcsnoop -s -i 5                # a table of the busiest pairs every 5 seconds\n"
"  ipcsnoop --dot g.dot -- ./demo && dot -Tsvg g.dot >g.svg\n"
"\n"
"Exit status: COMMAND's status (127 if it could not be started, 128+N if killed by\n"
"signal N); otherwise 0, 1 on a runtime error, 2 on a usage error.\n";

static const char *const kind_option_names[IPC_KIND_COUNT] = {
	[IPC_SIGNAL] = "signal", [IPC_PIPE] = "pipe", [IPC_MSG] = "msg", [IPC_SHM] = "shm",
	[IPC_SEM] = "sem", [IPC_MQ] = "mq", [IPC_UNIX] = "unix",
};

__u32 kinds_implemented(void)
{
	return correlator_kinds_implemented();
}

bool kind_selected(const struct env *env, enum ipc_kind kind)
{
	return env->kinds & (1u << kind);
}

static void kinds_list(char *buf, size_t cap)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		if (!kind_option_names[k] || !(kinds_implemented() & (1u << k)))
			continue;
		at += snprintf(buf + at, cap - at, "%s%s", at ? "," : "", kind_option_names[k]);
		if (at >= cap)
			break;
	}
}

static int parse_kinds(struct env *env, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	char list[128];
	int ret = 0;

	if (!copy)
		return -1;
	env->kinds = 0;
	kinds_list(list, sizeof(list));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < IPC_KIND_COUNT; k++)
			if (kind_option_names[k] && !strcmp(tok, kind_option_names[k]))
				break;
		if (k == IPC_KIND_COUNT) {
			p_err("unknown kind '%s' in -t (kinds: %s)", tok, list);
			ret = -1;
			break;
		}
		if (!(kinds_implemented() & (1u << k))) {
			p_err("kind '%s' is not supported by this build (kinds: %s)", tok, list);
			ret = -1;
			break;
		}
		env->kinds |= 1u << k;
	}
	if (!ret && !env->kinds) {
		p_err("-t needs at least one kind (kinds: %s)", list);
		ret = -1;
	}
	free(copy);
	return ret;
}

static int parse_number(const char *opt, const char *arg, long long min, long long max,
			long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		p_err("%s takes a whole number from %lld to %lld, not '%s'", opt, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int add_pid(struct env *env, const char *arg)
{
	long long v;

	if (parse_number("-p", arg, 1, INT_MAX, &v))
		return -1;
	if (kill((pid_t)v, 0) && errno == ESRCH) {
		p_err("no process with pid %lld (-p)", v);
		return -1;
	}
	for (int i = 0; i < env->npids; i++)
		if (env->pids[i] == v)
			return 0;
	if (env->npids == MAX_PIDS) {
		p_err("too many -p options (at most %d)", MAX_PIDS);
		return -1;
	}
	env->pids[env->npids++] = (__u32)v;
	return 0;
}

enum { OPT_RINGBUF = 1000, OPT_DOT };

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "kinds", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "relative-time", no_argument, NULL, 'T' },
	{ "summary", no_argument, NULL, 's' },
	{ "interval", required_argument, NULL, 'i' },
	{ "dot", required_argument, NULL, OPT_DOT },
	{ "data", required_argument, NULL, 'x' },
	{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

int parse_options(struct env *env, int argc, char **argv)
{
	bool kinds_given = false, output_given = false;
	char list[128];
	long long v;
	int opt;

	memset(env, 0, sizeof(*env));
	env->kinds = kinds_implemented();
	env->ringbuf_bytes = DEFAULT_RINGBUF;
	kinds_list(list, sizeof(list));
	opterr = 0;     /* our own one-line messages */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:p:c:t:jo:sTi:x:vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (add_pid(env, optarg))
				return -1;
			break;
		case 'c':
			if (env->comm_set) {
				p_err("-c given twice");
				return -1;
			}
			if (!*optarg || strlen(optarg) >= IPCSNOOP_COMM_LEN) {
				p_err("-c takes a process name of 1 to %d bytes, as in /proc/PID/comm",
				      IPCSNOOP_COMM_LEN - 1);
				return -1;
			}
			strncpy(env->comm, optarg, sizeof(env->comm) - 1);
			env->comm_set = true;
			break;
		case 't':
			if (kinds_given) {
				p_err("-t given twice (give one comma list)");
				return -1;
			}
			kinds_given = true;
			if (parse_kinds(env, optarg))
				return -1;
			break;
		case 'j':
			env->json = true;
			break;
		case 'o':
			if (output_given) {
				p_err("-o given twice");
				return -1;
			}
			output_given = true;
			env->output_path = optarg;
			break;
		case 'T':
			env->relative_time = true;
			break;
		case 's':
			env->summary_only = true;
			break;
		case 'i':
			if (env->interval_s) {
				p_err("-i given twice");
				return -1;
			}
			if (parse_number("-i", optarg, 1, 86400, &v))
				return -1;
			env->interval_s = (__u32)v;
			break;
		case OPT_DOT:
			if (env->dot_path) {
				p_err("--dot given twice");
				return -1;
			}
			if (!*optarg) {
				p_err("--dot needs a file name");
				return -1;
			}
			env->dot_path = optarg;
			break;
		case OPT_RINGBUF:
			if (parse_number("--ringbuf", optarg, MIN_RINGBUF, MAX_RINGBUF, &v))
				return -1;
			if (v & (v - 1)) {
				p_err("--ringbuf must be a power of two, not %lld", v);
				return -1;
			}
			env->ringbuf_bytes = (__u32)v;
			break;
		case 'v':
			env->verbose = true;
			break;
		case 'x':
			if (env->data_bytes) {
				p_err("-x given twice");
				return -1;
			}
			if (parse_number("-x", optarg, 1, IPCSNOOP_DATA_MAX, &v))
				return -1;
			env->data_bytes = (__u32)v;
			break;
		case 'h':
			printf(usage, list, IPCSNOOP_DATA_MAX);
			return 1;
		case ':':
			p_err("option '%s' needs an argument (see ipcsnoop -h)", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				p_err("unknown option '-%c' (see ipcsnoop -h)", optopt);
			else
				p_err("unknown option '%s' (see ipcsnoop -h)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		env->command = &argv[optind];
	return 0;
}
