// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "correlator.h"
#include "edge.h"
#include "log.h"
#include "options.h"
#include "backend.h"

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
"A SIGINT/SIGTERM/SIGHUP sent to ipcsnoop is passed on to COMMAND, and tracing goes\n"
"on until COMMAND exits (at most 5 s); a second one stops ipcsnoop at once.\n"
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
"  -u, --user=USER      run COMMAND as USER (its uid, gid, groups, HOME), not root\n"
"  -x, --data=N         capture the first N bytes (at most %d) of each transfer:\n"
"                       escaped text in text output, base64 in JSON (default 0)\n"
"      --ringbuf=BYTES  kernel ring buffer size, a power of two (default 4194304)\n"
"      --backend=NAME   how to hook the kernel: auto (default: per hook, the first\n"
"                       of fentry, kprobe, tracepoint that works here),\n"
"                       tracepoint, fentry or kprobe (an error where it cannot)\n"
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
"Every option may be given once, except -p. Rejected: -s with -x (-s prints no\n"
"payload), -x with only kinds that carry none, -u without COMMAND, -o and --dot\n"
"naming the same file.\n"
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

/* A whole number written as digits only (no sign, spaces or base prefix), min..max. */
static int parse_number(const char *opt, const char *arg, long long min, long long max,
			long long *out)
{
	const char *p = arg;
	long long v = 0;

	if (*p == '-' && p[1])     /* "-5": a negative number, said as out of range */
		p++;
	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (v > (LLONG_MAX - (*p - '0')) / 10)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (*arg == '-')
		v = -v;
	if (v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	p_err("%s takes a whole number from %lld to %lld, not '%s'", opt, min, max, arg);
	return -1;
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

/* -u USER: a user name, or a numeric uid that has a passwd entry. */
static int set_user(struct env *env, const char *arg)
{
	struct passwd *pw = NULL;
	long long uid;

	if (!*arg) {
		p_err("-u needs a user name");
		return -1;
	}
	errno = 0;
	pw = getpwnam(arg);
	if (!pw && arg[strspn(arg, "0123456789")] == '\0' &&
	    !parse_number("-u", arg, 0, UINT_MAX - 1, &uid))
		pw = getpwuid((uid_t)uid);
	if (!pw) {
		p_err("no user '%s' (-u takes a user name or uid from the passwd database)", arg);
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof(env->user_name) ||
	    strlen(pw->pw_dir) >= sizeof(env->user_home)) {
		p_err("user '%s': name or home directory too long (-u)", arg);
		return -1;
	}
	env->user_set = true;
	env->uid = pw->pw_uid;
	env->gid = pw->pw_gid;
	strcpy(env->user_name, pw->pw_name);
	strcpy(env->user_home, pw->pw_dir);
	return 0;
}

enum { OPT_RINGBUF = 1000, OPT_DOT, OPT_BACKEND };

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
	{ "user", required_argument, NULL, 'u' },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

/* How the user wrote an option, for messages: "-x" or "--data". */
static const char *option_spelling(int opt, char *buf, size_t cap)
{
	for (const struct option *o = long_opts; o->name; o++) {
		if (o->val != opt)
			continue;
		if (opt < 256)
			snprintf(buf, cap, "-%c", opt);
		else
			snprintf(buf, cap, "--%s", o->name);
		return buf;
	}
	snprintf(buf, cap, "option");
	return buf;
}

/* The message for getopt's '?': unknown, ambiguous, or an argument where none is taken. */
static void bad_option(const char *arg, int optopt_val)
{
	if (arg && !strncmp(arg, "--", 2)) {
		const char *eq = strchr(arg, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		int matches = 0;

		for (const struct option *o = long_opts; o->name; o++) {
			if (strncmp(o->name, arg + 2, n))
				continue;
			if (strlen(o->name) == n) {
				matches = 1;
				if (eq && o->has_arg == no_argument) {
					p_err("option '--%s' takes no argument", o->name);
					return;
				}
				break;
			}
			matches++;
		}
		if (matches > 1)
			p_err("ambiguous option '%.*s' (see ipcsnoop -h)", (int)(n + 2), arg);
		else
			p_err("unknown option '%.*s' (see ipcsnoop -h)", (int)(n + 2), arg);
		return;
	}
	if (optopt_val > 0 && optopt_val < 256 && optopt_val != '?')
		p_err("unknown option '-%c' (see ipcsnoop -h)", optopt_val);
	else
		p_err("unknown option '%s' (see ipcsnoop -h)", arg ? arg : "?");
}

/* Kinds whose edges can carry payload bytes (-x) */
#define DATA_KINDS ((1u << IPC_PIPE) | (1u << IPC_MSG) | (1u << IPC_MQ) | (1u << IPC_UNIX))

/* Options that make no sense together: one line naming both. */
static int check_conflicts(struct env *env, bool kinds_given)
{
	if (env->summary_only && env->data_bytes) {
		p_err("-s prints no per-event lines, so -x would capture nothing: give one of them");
		return -1;
	}
	if (env->data_bytes && kinds_given && !(env->kinds & DATA_KINDS)) {
		p_err("-x captures payloads of pipe, msg, mq and unix edges: none was chosen with -t");
		return -1;
	}
	if (env->user_set && !env->command) {
		p_err("-u runs COMMAND as another user: give a COMMAND after --");
		return -1;
	}
	if (env->output_path && env->dot_path && !strcmp(env->output_path, env->dot_path)) {
		p_err("-o and --dot name the same file '%s'", env->dot_path);
		return -1;
	}
	return 0;
}

int parse_options(struct env *env, int argc, char **argv)
{
	bool kinds_given = false;
	char seen[OPT_BACKEND + 1] = {};
	char list[128], name[32];
	long long v;
	int opt;

	memset(env, 0, sizeof(*env));
	env->kinds = kinds_implemented();
	env->ringbuf_bytes = DEFAULT_RINGBUF;
	kinds_list(list, sizeof(list));
	opterr = 0;     /* our own one-line messages */
	optind = 0;     /* glibc: a full reset, also of a half-parsed "-abc" */
	while ((opt = getopt_long(argc, argv, "+:p:c:t:jo:sTi:x:u:vh", long_opts, NULL)) != -1) {
		if (opt > 0 && opt <= OPT_BACKEND && opt != 'p' && opt != '?' && opt != ':') {
			if (seen[opt]) {
				p_err("%s given twice", option_spelling(opt, name, sizeof(name)));
				return -1;
			}
			seen[opt] = 1;
		}
		switch (opt) {
		case 'p':
			if (add_pid(env, optarg))
				return -1;
			break;
		case 'c':
			if (!*optarg || strlen(optarg) >= IPCSNOOP_COMM_LEN) {
				p_err("-c takes a process name of 1 to %d bytes, as in /proc/PID/comm",
				      IPCSNOOP_COMM_LEN - 1);
				return -1;
			}
			strncpy(env->comm, optarg, sizeof(env->comm) - 1);
			env->comm_set = true;
			break;
		case 't':
			kinds_given = true;
			if (parse_kinds(env, optarg))
				return -1;
			break;
		case 'j':
			env->json = true;
			break;
		case 'o':
			if (!*optarg) {
				p_err("-o needs a file name");
				return -1;
			}
			env->output_path = optarg;
			break;
		case 'T':
			env->relative_time = true;
			break;
		case 's':
			env->summary_only = true;
			break;
		case 'i':
			if (parse_number("-i", optarg, 1, 86400, &v))
				return -1;
			env->interval_s = (__u32)v;
			break;
		case OPT_DOT:
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
		case OPT_BACKEND: {
			int b = backend_parse(optarg);

			if (b < 0) {
				p_err("unknown backend '%s' for --backend (backends: %s)", optarg,
				      BACKEND_NAMES);
				return -1;
			}
			env->backend = b;
			break;
		}
		case 'u':
			if (set_user(env, optarg))
				return -1;
			break;
		case 'v':
			env->verbose = true;
			break;
		case 'x':
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
			bad_option(optind > 0 && optind <= argc ? argv[optind - 1] : NULL, optopt);
			return -1;
		}
	}
	if (optind < argc)
		env->command = &argv[optind];
	env->kinds_given = kinds_given;
	return check_conflicts(env, kinds_given);
}
