/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The interface every per-kind correlation model implements. The correlator
 * routes each record to the model that owns its type range, tells every model
 * about process forks, execs and exits, and ticks them so held records time out.
 */
#ifndef IPCSNOOP_MODEL_H
#define IPCSNOOP_MODEL_H

#include <stddef.h>
#include <linux/types.h>
#include "ipcsnoop.h"

struct correlator;

struct model_ops {
	const char *name;
	__u32 kinds;                    /* bits of enum ipc_kind this model implements (0: none yet) */
	__u16 rec_first, rec_last;      /* record types it owns, inclusive */
	void *(*create)(struct correlator *c);
	void (*destroy)(void *m);
	/* One record of its range; check its size; return -1 if malformed. */
	int (*record)(void *m, const struct rec_header *h, size_t len);
	void (*tick)(void *m, __u64 now_ns);          /* optional */
	void (*flush)(void *m);                       /* optional: end of run */
	/* optional: how many records wait for their pair (the end of a run waits for them, up to hold_ns) */
	size_t (*held)(void *m);
	void (*proc_fork)(void *m, const struct rec_proc_fork *r);   /* optional */
	void (*proc_exec)(void *m, const struct rec_proc_exec *r);   /* optional */
	void (*proc_exit)(void *m, const struct rec_proc_exit *r);   /* optional */
};

/* The models, one per file; models.c lists them. */
extern const struct model_ops signal_model_ops;
extern const struct model_ops pipe_model_ops;
extern const struct model_ops unix_model_ops;
extern const struct model_ops sysv_model_ops;

#define MODEL_COUNT 4
extern const struct model_ops *const all_models[MODEL_COUNT];

#endif
