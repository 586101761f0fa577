// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Empty programs that tests/bench/mirror.c attaches wherever a running
 * process has its kprobes and tracepoints (raw tracepoints and fentry/fexit
 * it loads itself, one program per attachment). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("kprobe")
int mirror_kprobe(void *ctx)
{
	return 0;
}

SEC("tracepoint")
int mirror_tracepoint(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
