/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command-line options: struct env, filled and checked by parse_options(). */
#ifndef IPCSNOOP_OPTIONS_H
#define IPCSNOOP_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define MAX_PIDS 64

/* Exit codes (documented in the README and the man page) */
#define EXIT_OK 0
#define EXIT_RUNTIME 1        /* could not load, attach, write... */
#define EXIT_USAGE 2          /* bad option or argument */
#define EXIT_NOT_RUN 127      /* COMMAND could not be started */

struct env {
	__u32 pids[MAX_PIDS];
	int npids;
	char comm[IPCSNOOP_COMM_LEN];
	bool comm_set;
	__u32 kinds;              /* bit per enum ipc_kind */
	bool kinds_given;         /* -t named them: a kind the kernel cannot trace is an error */
	bool json;
	const char *output_path;
	bool verbose;
	int backend;              /* enum backend (backend.h): --backend, default auto */
	bool relative_time;
	__u32 ringbuf_bytes;
	bool summary_only;        /* -s: no per-event lines */
	__u32 interval_s;         /* -i N: a summary of the last N seconds every N seconds */
	const char *dot_path;     /* --dot FILE */
	__u32 data_bytes;         /* -x N: payload bytes to capture per transfer (0: none) */
	char **command;           /* argv of COMMAND, or NULL */
	bool user_set;            /* -u USER: run COMMAND as this user */
	uid_t uid;
	gid_t gid;
	char user_name[64];
	char user_home[256];
};

/*
 * Returns 0, 1 when --help was printed (exit 0), or -1 after printing a
 * one-line error (exit EXIT_USAGE). Every option may be given once, except -p.
 */
int parse_options(struct env *env, int argc, char **argv);
/* Kinds this build implements, and their names */
__u32 kinds_implemented(void);
bool kind_selected(const struct env *env, enum ipc_kind kind);

#endif
