// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ipcsnoop: who talks to whom through the kernel. Options -> tracer -> correlator -> output. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "command.h"
#include "correlator.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "pipe_seed.h"
#include "signal_model.h"
#include "tracer.h"

#define POLL_MS 100

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
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
};

static void on_edge(void *ctx, const struct edge *e)
{
	struct run *r = ctx;

	output_edge(&r->out, e);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct run *r = ctx;

	correlator_record(&r->corr, data, len);
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);     /* a closed stdout shows up as EPIPE: stop quietly */
}

static FILE *open_output(const char *path)
{
	FILE *f;
	int fd;

	if (!path)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		p_err("cannot write '%s': %s (-o)", path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		p_err("cannot write '%s': %s (-o)", path, strerror(errno));
		close(fd);
	}
	return f;
}

static void report_losses(struct run *r)
{
	__u64 drops[IPC_KIND_COUNT];

	tracer__drops(r->tracer, drops);
	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		if (drops[k])
			p_warn("lost %llu %s records: ring buffer full (try a larger --ringbuf)",
			       (unsigned long long)drops[k], ipc_kind_name(k));
		if (r->corr.stats.gave_up[k])
			p_warn("%llu %s records could not be paired",
			       (unsigned long long)r->corr.stats.gave_up[k], ipc_kind_name(k));
		if (r->corr.stats.evicted[k])
			p_warn("%llu %s entries evicted from a full table",
			       (unsigned long long)r->corr.stats.evicted[k], ipc_kind_name(k));
	}
	if (r->corr.stats.malformed)
		p_warn("%llu malformed records dropped", (unsigned long long)r->corr.stats.malformed);
	p_debug("%llu records, %llu signal deliveries without a traced generation",
		(unsigned long long)r->corr.stats.records,
		(unsigned long long)signal_model_unmatched_deliveries(correlator_model(&r->corr, &signal_model_ops)));
}

/* Poll until a stop signal, the command's exit, or a dead output. */
static void trace_loop(struct run *r)
{
	while (!stop_signal && !r->out.write_failed) {
		int err = tracer__poll(r->tracer, POLL_MS);

		if (err < 0 && err != -EINTR) {
			p_err("reading the ring buffer failed: %s", strerror(-err));
			break;
		}
		correlator_tick(&r->corr, mono_ns());
		output_flush(&r->out);
		if (r->have_cmd && command_poll(&r->cmd))
			break;
	}
	tracer__drain(r->tracer);
	correlator_flush(&r->corr);
	output_flush(&r->out);
}

int main(int argc, char **argv)
{
	static struct run r;
	FILE *out;
	int ret, code = EXIT_OK;

	ret = parse_options(&r.env, argc, argv);
	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	log_verbose = r.env.verbose;
	if (tracer_check_privileges())
		return EXIT_RUNTIME;
	out = open_output(r.env.output_path);
	if (!out)
		return EXIT_USAGE;
	output_init(&r.out, out, r.env.json, r.env.relative_time);
	if (correlator_init(&r.corr, on_edge, &r)) {
		p_err("out of memory");
		return EXIT_RUNTIME;
	}
	install_signals();
	if (r.env.command) {
		if (command_start(&r.cmd, r.env.command))
			return EXIT_RUNTIME;
		r.have_cmd = true;
	}
	r.tracer = tracer__new(&r.env, on_record, &r);
	if (!r.tracer)
		goto fail;
	for (int i = 0; i < r.env.npids; i++)
		if (tracer__trace_pid(r.tracer, r.env.pids[i]))
			goto fail;
	/* pipes: the pipes -p processes already hold are of interest from the start */
	for (int i = 0; i < r.env.npids && kind_selected(&r.env, IPC_PIPE); i++)
		pipe_seed_interest(tracer__map_fd(r.tracer, "pipe_interest"), r.env.pids[i]);
	if (r.have_cmd) {
		if (tracer__trace_pid(r.tracer, r.cmd.pid))
			goto fail;
		command_release(&r.cmd);
	}
	p_debug("tracing%s", r.have_cmd ? " COMMAND and its descendants" : "");
	trace_loop(&r);
	if (r.have_cmd) {
		if (r.cmd.exited)
			code = command_exit_code(&r.cmd);
		else
			code = 128 + (stop_signal ? stop_signal : SIGPIPE);
	}
	report_losses(&r);
	tracer__free(r.tracer);
	correlator_free(&r.corr);
	if (out != stdout && fclose(out)) {
		p_err("cannot write '%s': %s (-o)", r.env.output_path, strerror(errno));
		return EXIT_RUNTIME;
	}
	return code;
fail:
	if (r.have_cmd)
		command_abort(&r.cmd);
	tracer__free(r.tracer);
	correlator_free(&r.corr);
	return EXIT_RUNTIME;
}
