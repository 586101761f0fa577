// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "ipcsnoop.h"
#include "sysv_seed.h"

int sysv_seed_interest(int map_fd, __u32 pid)
{
	struct sysv_queue_key key = { .kind = IPC_MSG };
	unsigned long long nr, arg1;
	char path[64], link[64];
	unsigned long ns;
	__u8 one = 1;
	ssize_t n;
	FILE *f;
	int got;

	if (map_fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%u/syscall", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	got = fscanf(f, "%llu 0x%llx", &nr, &arg1);
	fclose(f);
	if (got != 2 || (nr != SYS_msgsnd && nr != SYS_msgrcv))
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/ns/ipc", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	if (sscanf(link, "ipc:[%lu]", &ns) != 1)
		return -1;
	key.id = (__u32)arg1;
	key.ns = ns;
	return bpf_map_update_elem(map_fd, &key, &one, BPF_ANY) ? -1 : 1;
}
