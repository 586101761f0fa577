/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --backend: per hook (a pipe write, a pipe read...), which programs move the
 * records: tracepoints, fentry/fexit on the kernel function, or kprobes on it.
 * Every variant emits the same records; exactly one is loaded per hook.
 */
#ifndef IPCSNOOP_BACKEND_H
#define IPCSNOOP_BACKEND_H

#include <stdbool.h>

enum backend { BACKEND_AUTO, BACKEND_TRACEPOINT, BACKEND_FENTRY, BACKEND_KPROBE };

/* "auto", "tracepoint"... -> enum; -1 if unknown */
int backend_parse(const char *name);
const char *backend_name(enum backend b);
/* The names, comma-separated, for messages and -h */
#define BACKEND_NAMES "auto, tracepoint, fentry, kprobe"

struct bpf_object;
struct env;
struct backend_links;

/*
 * After the programs of the chosen kinds are marked to load: choose each
 * hook's variant (env->backend; auto probes what loads and attaches, or takes
 * tracepoints everywhere when tracepoints_only), leave the others' programs
 * unloaded, set the function targets. -v says what was chosen and why.
 * Returns 0, or -1 when the backend asked for cannot be had (printed).
 * *used_functions: whether any hook went to a function variant.
 */
int backend_choose(struct bpf_object *obj, const struct env *env, bool tracepoints_only,
		   bool *used_functions);
/* After the skeleton attached what it can: the kprobes (their targets are ours). */
int backend_attach(struct bpf_object *obj, struct backend_links **links);
void backend_detach(struct backend_links *links);

#endif
