/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* COMMAND mode: start the command stopped at a gate, release it once tracing is on. */
#ifndef IPCSNOOP_COMMAND_H
#define IPCSNOOP_COMMAND_H

#include <sys/types.h>

struct command {
	pid_t pid;
	int gate_fd;        /* write end: closing it lets the child exec */
	int status;         /* from waitpid, once exited */
	int exited;
};

/* Fork a child that waits at the gate, then execs argv. */
int command_start(struct command *cmd, char **argv);
/* Let the child exec. */
void command_release(struct command *cmd);
/* Reap without blocking; returns 1 once the command has exited. */
int command_poll(struct command *cmd);
/* Exit status the way a shell reports it (127 not found, 128+N killed). */
int command_exit_code(const struct command *cmd);
/* Release and kill a command that never got to run (setup failed). */
void command_abort(struct command *cmd);

#endif
