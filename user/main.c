// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ipcsnoop: who talks to whom through the kernel. Options -> tracer -> correlator -> output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "command.h"
#include "correlator.h"
#include "dot.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "pipe_model.h"
#include "pipe_seed.h"
#include "privileges.h"
#include "sysv_seed.h"
#include "unix_seed.h"
#include "signal_model.h"
#include "summary.h"
#include "sysv_model.h"
#include "tracer.h"
#include "unix_model.h"

#define POLL_MS 100
#define STOP_GRACE_NS (5ull * 1000000000)   /* how long COMMAND may take to exit after a stop signal */

static volatile sig_atomic_t stop_signal, stop_count;
static bool command_mode;

/*
 * In COMMAND mode a signal from the terminal (si_code SI_KERNEL: Ctrl-C,
 * hang-up) reached the whole foreground process group, COMMAND included:
 * it decides, and ipcsnoop goes on until it exits, like sudo does.
 */
static void on_stop_signal(int sig, siginfo_t *si, void *uc)
{
	if (command_mode && si && si->si_code == SI_KERNEL)
		return;
	stop_signal = sig;
	stop_count++;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct run {
	struct env env;
	struct output out;
	struct correlator corr;
	struct tracer *tracer;
	struct command cmd;
	bool have_cmd;
	int stops_seen;             /* stop signals already passed on to COMMAND */
	__u64 stop_ns;              /* when the first one was */
	FILE *dot;                  /* --dot, opened at start */
	struct summary total;       /* the whole run, printed at exit */
	struct summary interval;    /* -i: since the last table */
	__u64 interval_start_ns;
	__u64 unix_agg_full;        /* -s: unix groups the kernel streamed, its table full */
	__u64 pipe_agg_full;        /* -s: pipe reads the kernel streamed, its table full */
	__u64 msg_agg_full;         /* -s: msgrcv's the kernel streamed, its table full */
};

static void on_edge(void *ctx, const struct edge *e)
{
	struct run *r = ctx;

	output_edge(&r->out, e);
	summary_add(&r->total, e);
	if (r->env.interval_s)
		summary_add(&r->interval, e);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct run *r = ctx;

	correlator_record(&r->corr, data, len);
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_stop_signal, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);     /* a closed stdout shows up as EPIPE: stop quietly */
}

static FILE *open_output(const char *path)
{
	struct stat st;
	FILE *f;
	int fd;

	if (!path)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		p_err("cannot write '%s': %s (-o)", path, strerror(errno));
		return NULL;
	}
	/* edges name every process and may hold payload (-x): an existing file becomes 0600 too */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) && fchmod(fd, 0600)) {
		p_err("cannot make '%s' private (mode 0600): %s (-o)", path, strerror(errno));
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		p_err("cannot write '%s': %s (-o)", path, strerror(errno));
		close(fd);
	}
	return f;
}

static void loss_counts(struct run *r, struct loss_counts *l)
{
	memset(l, 0, sizeof(*l));
	if (r->tracer)
		tracer__drops(r->tracer, l->dropped);
	memcpy(l->gave_up, r->corr.stats.gave_up, sizeof(l->gave_up));
	memcpy(l->evicted, r->corr.stats.evicted, sizeof(l->evicted));
	l->malformed = r->corr.stats.malformed;
	l->evicted[IPC_PROC] += r->corr.procs.evictions;    /* names of processes */
}

/* -v: the records user space received, per type (tests check what -s streams) */
static void debug_record_types(struct run *r)
{
	char line[1024] = "";
	size_t used = 0;

	for (int t = 0; t < REC_TYPE_MAX && used < sizeof(line); t++)
		if (r->corr.stats.by_type[t])
			used += snprintf(line + used, sizeof(line) - used, " %d:%llu", t,
					 (unsigned long long)r->corr.stats.by_type[t]);
	p_debug("records received by type:%s", used ? line : " none");
}

/* At exit: what was lost goes to stderr too, where a user watching the terminal sees it. */
static void report_losses(struct run *r, const struct loss_counts *l)
{
	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		if (l->dropped[k])
			p_warn("lost %llu %s records: ring buffer full (try a larger --ringbuf)",
			       (unsigned long long)l->dropped[k], ipc_kind_name(k));
		if (l->gave_up[k])
			p_warn("%llu %s records could not be paired",
			       (unsigned long long)l->gave_up[k], ipc_kind_name(k));
		if (l->evicted[k])
			p_warn("%llu %s entries evicted from a full table",
			       (unsigned long long)l->evicted[k], ipc_kind_name(k));
	}
	if (l->malformed)
		p_warn("%llu malformed records dropped", (unsigned long long)l->malformed);
	if (r->total.evicted)
		p_warn("summary full: its %llu least recently active rows (%llu edges) were folded "
		       "into its (other) row", (unsigned long long)r->total.evicted,
		       (unsigned long long)r->total.folded);
	if (r->pipe_agg_full)
		p_warn("%llu pipe reads streamed, not counted in the kernel: its table was full "
		       "(none lost)", (unsigned long long)r->pipe_agg_full);
	if (r->msg_agg_full)
		p_warn("%llu SysV message receives found the kernel's table full: their queues "
		       "streamed instead (none lost)", (unsigned long long)r->msg_agg_full);
	if (r->unix_agg_full)
		p_warn("%llu unix receives streamed, not counted in the kernel: its table was full "
		       "(none lost)", (unsigned long long)r->unix_agg_full);
	p_debug("%llu records, %llu signal deliveries without a traced generation",
		(unsigned long long)r->corr.stats.records,
		(unsigned long long)signal_model_unmatched_deliveries(
			correlator_model(&r->corr, &signal_model_ops)));
	debug_record_types(r);
}

static void on_sig_agg(void *ctx, const struct sig_agg_key *k, const struct sig_agg_val *v)
{
	struct run *r = ctx;
	struct rec_signal_generate g = {
		.hdr = { .type = REC_SIGNAL_GENERATE, .size = sizeof(g), .ts_ns = v->first_ns,
			 .tgid = k->src_tgid, .tid = v->src_tid, .start_ns = k->src_start_ns },
		.signo = k->signo, .si_code = k->si_code, .result = k->result, .group = k->group,
		.syscall_nr = k->syscall_nr, .sender_is_kthread = k->sender_is_kthread,
		.target_tgid = k->dst_tgid, .target_tid = v->dst_tid, .target_start_ns = k->dst_start_ns,
	};

	memcpy(g.hdr.comm, v->src_comm, sizeof(g.hdr.comm));
	memcpy(g.target_comm, v->dst_comm, sizeof(g.target_comm));
	signal_model_aggregated(correlator_model(&r->corr, &signal_model_ops), &g, v->count,
				v->last_ns);
}

static void collect_unix_agg(struct run *r)
{
	struct unix_agg_key *keys;
	struct unix_agg_val *vals;
	int n = tracer__take_unix_agg(r->tracer, &keys, &vals);

	if (n > 0)
		unix_model_aggregated(correlator_model(&r->corr, &unix_model_ops), keys, vals, n);
	else if (n < 0)
		p_warn("out of memory reading the unix receives counted in the kernel");
	free(keys);
	free(vals);
}

static bool pipe_agg_on(struct run *r)
{
	return r->tracer && r->env.summary_only && !r->env.data_bytes &&
	       kind_selected(&r->env, IPC_PIPE);
}

static void collect_pipe_agg(struct run *r)
{
	struct pipe_agg_key *keys;
	struct pipe_agg_val *vals;
	int n = tracer__take_pipe_agg(r->tracer, &keys, &vals);

	if (n > 0)
		pipe_model_aggregated(correlator_model(&r->corr, &pipe_model_ops), keys, vals, n);
	else if (n < 0)
		p_warn("out of memory reading the pipe reads counted in the kernel");
	free(keys);
	free(vals);
}

/* -s: the kernel's pipe table filled up (reads stream instead): empty it now. */
static void pipe_agg_check(struct run *r)
{
	__u64 full;

	if (!pipe_agg_on(r))
		return;
	full = tracer__pipe_agg_full(r->tracer);
	if (full != r->pipe_agg_full) {
		r->pipe_agg_full = full;
		collect_pipe_agg(r);
	}
}

static bool msg_agg_on(struct run *r)
{
	return r->tracer && r->env.summary_only && !r->env.data_bytes &&
	       kind_selected(&r->env, IPC_MSG);
}

static void collect_msg_agg(struct run *r)
{
	struct msg_agg_key *keys;
	struct msg_agg_val *vals;
	int n = tracer__take_msg_agg(r->tracer, &keys, &vals);

	if (n > 0)
		msg_model_aggregated(&r->corr, keys, vals, n);
	else if (n < 0)
		p_warn("out of memory reading the message receives counted in the kernel");
	free(keys);
	free(vals);
}

/* -s: the kernel's message table filled up (queues stream instead): empty it now. */
static void msg_agg_check(struct run *r)
{
	__u64 full;

	if (!msg_agg_on(r))
		return;
	full = tracer__msg_agg_full(r->tracer);
	if (full != r->msg_agg_full) {
		r->msg_agg_full = full;
		collect_msg_agg(r);
	}
}

static void on_pipe_held(void *ctx, const struct pipe_id *id, const struct pipe_agg_state *st)
{
	struct run *r = ctx;
	struct rec_pipe_handover h;

	pipe_agg_state_to_handover(&h, id, st);
	pipe_model_handover(correlator_model(&r->corr, &pipe_model_ops), &h);
}

/* Kinds aggregated in the kernel (-s) join the tables before they are printed. */
static void collect_kernel_aggregates(struct run *r)
{
	if (pipe_agg_on(r)) {
		collect_pipe_agg(r);
		r->pipe_agg_full = tracer__pipe_agg_full(r->tracer);
	}
	if (msg_agg_on(r)) {
		collect_msg_agg(r);
		r->msg_agg_full = tracer__msg_agg_full(r->tracer);
	}
	if (r->tracer && r->env.summary_only && kind_selected(&r->env, IPC_SIGNAL))
		tracer__take_signal_agg(r->tracer, on_sig_agg, r);
	if (r->tracer && r->env.summary_only && kind_selected(&r->env, IPC_UNIX)) {
		collect_unix_agg(r);
		r->unix_agg_full = tracer__unix_agg_full(r->tracer);
	}
}

/* -s: the kernel's unix table filled up (it streams instead): empty it now. */
static void unix_agg_check(struct run *r)
{
	__u64 full;

	if (!r->env.summary_only || !kind_selected(&r->env, IPC_UNIX))
		return;
	full = tracer__unix_agg_full(r->tracer);
	if (full != r->unix_agg_full) {
		r->unix_agg_full = full;
		collect_unix_agg(r);
	}
}

static void interval_summary(struct run *r, __u64 now)
{
	struct loss_counts l;

	if (!r->env.interval_s || now < r->interval_start_ns + r->env.interval_s * 1000000000ull)
		return;
	collect_kernel_aggregates(r);
	loss_counts(r, &l);
	summary_print(&r->interval, &r->out, "interval", (now - r->interval_start_ns) / 1e9, &l);
	summary_reset(&r->interval);
	r->interval_start_ns = now;
}

/*
 * The run is over, but records may still wait for their pair: a signal that
 * COMMAND sent to a process outside it is delivered when that process next
 * runs, possibly after COMMAND exited. Give them up to hold_ns, as during the
 * run, instead of flushing them as unpaired at once.
 */
static void settle(struct run *r)
{
	__u64 end = mono_ns() + r->corr.hold_ns;

	while (!r->out.write_failed && correlator_held(&r->corr) && mono_ns() < end) {
		int err = tracer__poll(r->tracer, POLL_MS / 10);

		if (err < 0 && err != -EINTR)
			break;
		correlator_tick(&r->corr, mono_ns());
		output_flush(&r->out);
	}
}

/*
 * Should tracing stop because of a stop signal? Without COMMAND, yes. With
 * COMMAND, the first one is passed on to it and tracing goes on until it
 * exits, at most STOP_GRACE_NS; a second one is passed on and stops at once.
 */
static bool stop_now(struct run *r)
{
	int n = stop_count;

	if (!n)
		return false;
	if (!r->have_cmd || command_poll(&r->cmd))
		return true;
	if (n > r->stops_seen) {
		command_signal(&r->cmd, stop_signal);
		if (r->stops_seen || n > 1) {
			p_warn("second stop signal: COMMAND (pid %d) left running, untraced", r->cmd.pid);
			return true;
		}
		r->stops_seen = n;
		r->stop_ns = mono_ns();
	}
	if (mono_ns() - r->stop_ns > STOP_GRACE_NS) {
		p_warn("COMMAND (pid %d) still runs %llu s after %s: left running, untraced",
		       r->cmd.pid, STOP_GRACE_NS / 1000000000ull, strsignal(stop_signal));
		return true;
	}
	return false;
}

/*
 * A pipe whose reader left (`| head -1`) reports POLLERR on our end even when
 * there is nothing to write: stop then, not at the next edge, which may never come.
 */
static bool output_gone(struct output *o)
{
	struct pollfd p = { .fd = fileno(o->out), .events = 0 };

	if (o->write_failed)
		return true;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
		o->write_failed = true;
		o->write_errno = EPIPE;
	}
	return o->write_failed;
}

/* Poll until a stop signal, the command's exit, or a dead output. */
static void trace_loop(struct run *r)
{
	while (!output_gone(&r->out) && !stop_now(r)) {
		int err = tracer__poll(r->tracer, POLL_MS);

		if (err < 0 && err != -EINTR) {
			p_err("reading the ring buffer failed: %s", strerror(-err));
			break;
		}
		correlator_tick(&r->corr, mono_ns());
		unix_agg_check(r);
		pipe_agg_check(r);
		msg_agg_check(r);
		interval_summary(r, mono_ns());
		output_flush(&r->out);
		if (r->have_cmd && command_poll(&r->cmd))
			break;
	}
	settle(r);
	tracer__drain(r->tracer);
	if (pipe_agg_on(r))     /* bytes never read, as the streamed FIFO would hold them */
		tracer__pipe_agg_held(r->tracer, on_pipe_held, r);
	correlator_flush(&r->corr);
	output_flush(&r->out);
}

/*
 * The output is gone (the reader of a pipe left, as with `| head -1`): stop
 * tracing at once, but do not orphan COMMAND: wait for it, passing on stop
 * signals as while tracing.
 */
static void wait_command_untraced(struct run *r)
{
	tracer__free(r->tracer);
	r->tracer = NULL;
	while (!command_poll(&r->cmd) && !stop_now(r))
		usleep(POLL_MS * 1000);
}

/* Status: COMMAND's, or 128+N if it still runs after stop signal N; else 0. */
static int run_status(struct run *r)
{
	if (!r->have_cmd)
		return EXIT_OK;
	if (command_poll(&r->cmd))
		return command_exit_code(&r->cmd);
	return 128 + (stop_signal ? stop_signal : SIGPIPE);
}

static int setup(struct run *r)
{
	r->tracer = tracer__new(&r->env, on_record, r);
	if (!r->tracer)
		return -1;
	for (int i = 0; i < r->env.npids; i++)
		if (tracer__trace_pid(r->tracer, r->env.pids[i]))
			return -1;
	/* pipes: the pipes -p processes already hold are of interest from the start */
	for (int i = 0; i < r->env.npids && kind_selected(&r->env, IPC_PIPE); i++)
		if (pipe_seed_interest(tracer__map_fd(r->tracer, "pipe_interest"), r->env.pids[i]) > 0)
			tracer__pipe_interest_seeded(r->tracer);
	/* message queues: the queue a -p process already waits on */
	for (int i = 0; i < r->env.npids && kind_selected(&r->env, IPC_MSG); i++)
		if (sysv_seed_interest(tracer__map_fd(r->tracer, "sysv_queue_interest"),
				       r->env.pids[i]) > 0)
			tracer__sysv_interest_seeded(r->tracer);
	if (r->have_cmd && tracer__trace_pid(r->tracer, r->cmd.pid))
		return -1;
	/* unix sockets: a socket a selected process already holds (COMMAND's inherited ones) */
	for (int i = 0; i <= r->env.npids && kind_selected(&r->env, IPC_UNIX); i++) {
		__u32 pid = i < r->env.npids ? (__u32)r->env.pids[i] : r->have_cmd ? (__u32)r->cmd.pid : 0;

		if (pid && unix_seed_holds_socket(pid)) {
			tracer__unix_interest_seeded(r->tracer);
			break;
		}
	}
	/* everything privileged is done: programs attached, maps and files open, COMMAND forked */
	return privileges_drop(r->env.user_set, kind_selected(&r->env, IPC_SHM));
}

int main(int argc, char **argv)
{
	static struct run r;
	struct loss_counts loss;
	bool epipe;
	FILE *out;
	int ret, code;

	ret = parse_options(&r.env, argc, argv);
	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	log_verbose = r.env.verbose;
	if (tracer_check_privileges())
		return EXIT_RUNTIME;
	out = open_output(r.env.output_path);
	if (!out)
		return EXIT_USAGE;
	if (r.env.dot_path && !(r.dot = dot_open(r.env.dot_path)))
		return EXIT_USAGE;
	output_init(&r.out, out, r.env.json, r.env.relative_time);
	r.out.quiet_events = r.env.summary_only;
	edge_details_wanted = !r.env.json && !r.env.summary_only;
	r.interval_start_ns = r.out.start_ns;
	if (summary_init(&r.total) || summary_init(&r.interval) ||
	    correlator_init(&r.corr, on_edge, &r)) {
		p_err("out of memory");
		return EXIT_RUNTIME;
	}
	r.corr.filter = (struct corr_filter){
		.active = r.env.npids || r.env.comm_set || r.env.command,
		.follow_children = r.env.command != NULL,
		.npids = r.env.npids,
		.pids = r.env.pids,
		.comm = r.env.comm_set ? r.env.comm : NULL,
	};
	command_mode = r.env.command != NULL;
	install_signals();
	if (r.env.command) {
		if (command_start(&r.cmd, &r.env))
			return EXIT_RUNTIME;
		r.have_cmd = true;
	}
	if (setup(&r)) {
		if (r.have_cmd)
			command_abort(&r.cmd);
		tracer__free(r.tracer);
		correlator_free(&r.corr);
		return EXIT_RUNTIME;
	}
	if (r.have_cmd)
		command_release(&r.cmd);
	p_debug("tracing%s", r.have_cmd ? " COMMAND and its descendants" : "");
	trace_loop(&r);
	if (r.out.write_failed && r.have_cmd)
		wait_command_untraced(&r);
	code = run_status(&r);
	collect_kernel_aggregates(&r);
	loss_counts(&r, &loss);
	if (r.env.interval_s)      /* the last, partial interval */
		summary_print(&r.interval, &r.out, "interval",
			      (mono_ns() - r.interval_start_ns) / 1e9, &loss);
	summary_print(&r.total, &r.out, "total", (mono_ns() - r.out.start_ns) / 1e9, &loss);
	output_flush(&r.out);
	epipe = r.out.write_failed && r.out.write_errno == EPIPE;
	if (!epipe)                /* the reader left: nobody is listening for the rest */
		report_losses(&r, &loss);
	if (r.out.write_failed && !epipe) {
		p_err("cannot write the output%s%s: %s", r.env.output_path ? " to " : "",
		      r.env.output_path ? r.env.output_path : "", strerror(r.out.write_errno));
		code = code ? code : EXIT_RUNTIME;
	}
	if (r.dot && dot_write(r.dot, r.env.dot_path, &r.total))
		code = code ? code : EXIT_RUNTIME;
	tracer__free(r.tracer);
	correlator_free(&r.corr);
	if (out != stdout && fclose(out) && !r.out.write_failed) {
		p_err("cannot write '%s': %s (-o)", r.env.output_path, strerror(errno));
		code = code ? code : EXIT_RUNTIME;
	}
	return code;
}
