// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "command.h"
#include "log.h"
#include "options.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void child_fail(const char *what, const char *arg)
{
	fprintf(stderr, "ipcsnoop: %s '%s': %s\n", what, arg, strerror(errno));
	_exit(EXIT_NOT_RUN);
}

/* -u: the user's groups, gid and uid, for good (no way back to root), and its environment. */
static void become_user(const struct env *env)
{
	if (initgroups(env->user_name, env->gid) || setgid(env->gid) || setuid(env->uid))
		child_fail("cannot run COMMAND as user", env->user_name);
	if (env->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		child_fail("could not drop root for user", env->user_name);
	}
	setenv("HOME", env->user_home, 1);
	setenv("USER", env->user_name, 1);
	setenv("LOGNAME", env->user_name, 1);
}

static void child(int gate_rd, pid_t parent, const struct env *env)
{
	sigset_t none;
	ssize_t n;
	char c;

	/* undo what ipcsnoop set for itself (the stop signals are blocked until here) */
	signal(SIGPIPE, SIG_DFL);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (env->user_set)
		become_user(env);
	/* held at the gate: die with ipcsnoop rather than run untraced (after setuid, which clears it) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_NOT_RUN);
	do
		n = read(gate_rd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)              /* the gate closed without a go: setup failed */
		_exit(EXIT_NOT_RUN);
	prctl(PR_SET_PDEATHSIG, 0);
	close(gate_rd);
	execvp(env->command[0], env->command);
	child_fail("cannot run", env->command[0]);
}

int command_start(struct command *cmd, const struct env *env)
{
	sigset_t stops, old;
	pid_t parent = getpid();
	int gate[2];

	memset(cmd, 0, sizeof(*cmd));
	cmd->gate_fd = -1;
	if (pipe2(gate, O_CLOEXEC)) {
		p_err("cannot create a pipe for COMMAND: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	sigemptyset(&stops);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&stops, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &stops, &old);
	cmd->pid = fork();
	if (cmd->pid == 0) {
		close(gate[1]);
		child(gate[0], parent, env);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(gate[0]);
	if (cmd->pid < 0) {
		p_err("cannot fork for COMMAND: %s", strerror(errno));
		close(gate[1]);
		return -1;
	}
	cmd->gate_fd = gate[1];
	return 0;
}

void command_release(struct command *cmd)
{
	if (cmd->gate_fd < 0)
		return;
	/* EPIPE (SIGPIPE is ignored) if the child already died: command_poll tells */
	if (write(cmd->gate_fd, "g", 1) != 1)
		p_debug("COMMAND died before it was released");
	close(cmd->gate_fd);
	cmd->gate_fd = -1;
}

int command_poll(struct command *cmd)
{
	int status;
	pid_t r;

	if (cmd->exited)
		return 1;
	r = waitpid(cmd->pid, &status, WNOHANG);
	if (r == cmd->pid) {
		cmd->status = status;
		cmd->exited = 1;
	} else if (r < 0 && errno == ECHILD) {
		cmd->exited = 1;
	}
	return cmd->exited;
}

void command_signal(struct command *cmd, int sig)
{
	if (cmd->pid > 0 && !command_poll(cmd) && kill(cmd->pid, sig))
		p_warn("cannot pass signal %d on to COMMAND (pid %d): %s", sig, cmd->pid,
		       strerror(errno));
}

int command_exit_code(const struct command *cmd)
{
	if (WIFEXITED(cmd->status))
		return WEXITSTATUS(cmd->status);
	if (WIFSIGNALED(cmd->status))
		return 128 + WTERMSIG(cmd->status);
	return EXIT_RUNTIME;
}

void command_abort(struct command *cmd)
{
	if (cmd->pid <= 0)
		return;
	if (cmd->gate_fd >= 0) {     /* EOF at the gate: the child exits without running */
		close(cmd->gate_fd);
		cmd->gate_fd = -1;
	}
	kill(cmd->pid, SIGKILL);
	waitpid(cmd->pid, NULL, 0);
	cmd->pid = 0;
}
