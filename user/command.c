// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
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

/*
 * The gate is a signal, not a pipe: ipcsnoop's own signals are never traced,
 * while a byte through a pipe would be (the child reads it once traced).
 */
#define GATE_SIGNAL SIGUSR1

static void child(pid_t parent, const struct env *env)
{
	sigset_t none, gate;
	siginfo_t si;

	/* undo what ipcsnoop set for itself (the stop signals are blocked until here) */
	signal(SIGPIPE, SIG_DFL);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigemptyset(&gate);
	sigaddset(&gate, GATE_SIGNAL);
	sigprocmask(SIG_SETMASK, &gate, NULL);
	if (env->user_set)
		become_user(env);
	/* held at the gate: die with ipcsnoop rather than run untraced (after setuid, which clears it) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_NOT_RUN);
	while (sigwaitinfo(&gate, &si) < 0 || si.si_pid != parent)
		;                /* EINTR, or the signal from someone else: keep waiting */
	prctl(PR_SET_PDEATHSIG, 0);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(env->command[0], env->command);
	child_fail("cannot run", env->command[0]);
}

int command_start(struct command *cmd, const struct env *env)
{
	sigset_t held, old;
	pid_t parent = getpid();

	memset(cmd, 0, sizeof(*cmd));
	fflush(NULL);
	sigemptyset(&held);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&held, stop_signals[i]);
	sigaddset(&held, GATE_SIGNAL);      /* blocked in the child from its first instruction */
	sigprocmask(SIG_BLOCK, &held, &old);
	cmd->pid = fork();
	if (cmd->pid == 0)
		child(parent, env);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (cmd->pid < 0) {
		p_err("cannot fork for COMMAND: %s", strerror(errno));
		return -1;
	}
	cmd->gated = true;
	return 0;
}

void command_release(struct command *cmd)
{
	if (!cmd->gated)
		return;
	/* fails only if the child already died: command_poll tells */
	if (kill(cmd->pid, GATE_SIGNAL))
		p_debug("COMMAND died before it was released");
	cmd->gated = false;
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
	cmd->gated = false;          /* killed at the gate: it never runs */
	kill(cmd->pid, SIGKILL);
	waitpid(cmd->pid, NULL, 0);
	cmd->pid = 0;
}
