// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "command.h"
#include "log.h"
#include "options.h"

static void child(int gate_rd, char **argv)
{
	sigset_t none;
	char c;

	/* undo what ipcsnoop set for itself */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* wait until the parent closes its end: read returns 0, no data moves */
	while (read(gate_rd, &c, 1) < 0 && errno == EINTR)
		;
	close(gate_rd);
	execvp(argv[0], argv);
	fprintf(stderr, "ipcsnoop: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(EXIT_NOT_RUN);
}

int command_start(struct command *cmd, char **argv)
{
	int gate[2];

	memset(cmd, 0, sizeof(*cmd));
	cmd->gate_fd = -1;
	if (pipe2(gate, O_CLOEXEC)) {
		p_err("cannot create a pipe for COMMAND: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	cmd->pid = fork();
	if (cmd->pid < 0) {
		p_err("cannot fork for COMMAND: %s", strerror(errno));
		close(gate[0]);
		close(gate[1]);
		return -1;
	}
	if (cmd->pid == 0) {
		close(gate[1]);
		child(gate[0], argv);
	}
	close(gate[0]);
	cmd->gate_fd = gate[1];
	return 0;
}

void command_release(struct command *cmd)
{
	if (cmd->gate_fd >= 0) {
		close(cmd->gate_fd);
		cmd->gate_fd = -1;
	}
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
	kill(cmd->pid, SIGKILL);
	command_release(cmd);
	waitpid(cmd->pid, NULL, 0);
	cmd->pid = 0;
}
