/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Signals: a generation names both ends; the delivery in the receiver adds what it did. */
#ifndef IPCSNOOP_SIGNAL_MODEL_H
#define IPCSNOOP_SIGNAL_MODEL_H

#include "correlator.h"

#define SIGNAL_PENDING_MAX 4096

struct signal_model *signal_model_new(struct correlator *c);
void signal_model_free(struct signal_model *m);
void signal_model_generate(struct signal_model *m, const struct rec_signal_generate *r);
void signal_model_deliver(struct signal_model *m, const struct rec_signal_deliver *r);
/* -s: COUNT signals like R counted in the kernel, the last at LAST_NS */
void signal_model_aggregated(struct signal_model *m, const struct rec_signal_generate *r,
			     __u64 count, __u64 last_ns);
void signal_model_exit(struct signal_model *m, __u32 tgid, __u64 ts_ns);
void signal_model_tick(struct signal_model *m, __u64 now_ns);
void signal_model_flush(struct signal_model *m);
/* Generations still waiting for their delivery. */
size_t signal_model_held(struct signal_model *m);
__u64 signal_model_unmatched_deliveries(const struct signal_model *m);

#endif
