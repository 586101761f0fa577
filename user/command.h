/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * COMMAND mode: start the command held at a gate, release it once tracing is
 * on. The held child dies with ipcsnoop (PR_SET_PDEATHSIG) and never runs
 * unless released; with -u it becomes that user before it is released.
 */
#ifndef IPCSNOOP_COMMAND_H
#define IPCSNOOP_COMMAND_H

#include <stdbool.h>
#include <sys/types.h>

struct env;

struct command {
	pid_t pid;
	bool gated;         /* waiting at the gate (a signal from ipcsnoop lets it exec) */
	int status;         /* from waitpid, once exited */
	int exited;
};

/* Fork a child that waits at the gate, then execs env->command (as env's -u user). */
int command_start(struct command *cmd, const struct env *env);
/* Let the child exec. */
void command_release(struct command *cmd);
/* Reap without blocking; returns 1 once the command has exited. */
int command_poll(struct command *cmd);
/* Send a signal to the command if it still runs. */
void command_signal(struct command *cmd, int sig);
/* Exit status the way a shell reports it (127 not found, 128+N killed). */
int command_exit_code(const struct command *cmd);
/* Kill a command that never got to run (setup failed), still at the gate. */
void command_abort(struct command *cmd);

#endif
