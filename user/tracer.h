/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kernel side as an opaque module: tracer__open/load/attach, poll, free. */
#ifndef IPCSNOOP_TRACER_H
#define IPCSNOOP_TRACER_H

#include <stddef.h>
#include <linux/types.h>
#include "options.h"

struct tracer;

typedef int (*record_fn)(void *ctx, void *data, size_t len);

/* Checks privileges and BTF, opens, configures, loads and attaches. NULL on error (printed). */
struct tracer *tracer__new(const struct env *env, record_fn on_record, void *ctx);
/* Select a process (and, in COMMAND mode, its future descendants). */
int tracer__trace_pid(struct tracer *t, __u32 pid);
/* The fd of a BPF map by name (for per-kind set-up), or -1 */
int tracer__map_fd(struct tracer *t, const char *name);
/* The loader put pipes into pipe_interest (-p): the kernel side must look at pipes. */
void tracer__pipe_interest_seeded(struct tracer *t);
/* Likewise for message queues (sysv_queue_interest). */
void tracer__sysv_interest_seeded(struct tracer *t);
/* A selected process holds a unix socket: unselected senders tag from the start. */
void tracer__unix_interest_seeded(struct tracer *t);
/* Wait up to timeout_ms for records; returns records handled or -errno. */
int tracer__poll(struct tracer *t, int timeout_ms);
/* Hand over everything already in the ring buffer. */
int tracer__drain(struct tracer *t);
/* Records the kernel could not put in the ring buffer, per kind. */
void tracer__drops(struct tracer *t, __u64 drops[IPC_KIND_COUNT]);
/* -s: hand over and clear the signals counted in the kernel; returns entries or -1. */
typedef void (*sig_agg_fn)(void *ctx, const struct sig_agg_key *k, const struct sig_agg_val *v);
int tracer__take_signal_agg(struct tracer *t, sig_agg_fn fn, void *ctx);
/* -s: hand over and clear the unix receives counted in the kernel: *keys and *vals
 * (caller frees both) hold the entries; returns their number or -1. */
int tracer__take_unix_agg(struct tracer *t, struct unix_agg_key **keys, struct unix_agg_val **vals);
/* -s: unix receive groups streamed so far because that map was full */
__u64 tracer__unix_agg_full(struct tracer *t);
/* -s: the same for pipes (map pipe_agg) */
int tracer__take_pipe_agg(struct tracer *t, struct pipe_agg_key **keys, struct pipe_agg_val **vals);
/* -s: pipe reads streamed so far because that map was full */
__u64 tracer__pipe_agg_full(struct tracer *t);
/* -s: the same for SysV message queues (map msg_agg) */
int tracer__take_msg_agg(struct tracer *t, struct msg_agg_key **keys, struct msg_agg_val **vals);
/* -s: msgrcv's streamed so far because that map was full */
__u64 tracer__msg_agg_full(struct tracer *t);
/* -s, at the end: each pipe counted in the kernel that still holds bytes */
typedef void (*pipe_held_fn)(void *ctx, const struct pipe_id *id, const struct pipe_agg_state *st);
int tracer__pipe_agg_held(struct tracer *t, pipe_held_fn fn, void *ctx);
void tracer__free(struct tracer *t);

/* Preflight, also used before a COMMAND is started: 0 or -1 (printed). */
int tracer_check_privileges(void);

#endif
