/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Run-time probes of what the kernel's verifier accepts (never by version). */
#ifndef IPCSNOOP_KFUNC_PROBE_H
#define IPCSNOOP_KFUNC_PROBE_H

#include <stdbool.h>
#include <bpf/btf.h>

/* Does bpf_rdonly_cast(ptr, 0) give an untyped read-only pointer (Linux 6.16+)?
 * The hot path then reads an fd table slot without a helper call. */
bool probe_rdonly_void_cast(const struct btf *vmlinux);

#endif
