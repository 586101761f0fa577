// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ipcsnoop's kernel side: tracepoint programs that turn IPC into records.
 * Each IPC kind lives in its own bpf/<kind>.bpf.h; the loader enables only
 * the programs of the kinds chosen with -t.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ipcsnoop.h"
#include "common.bpf.h"

#include "proc.bpf.h"
#include "signal.bpf.h"
#include "pipe.bpf.h"
#include "unix.bpf.h"
#include "sysv.bpf.h"
#include "fn_pipe.bpf.h"
#include "fn_pipe_splice.bpf.h"
#include "fn_sysv.bpf.h"
#include "fn_unix.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
