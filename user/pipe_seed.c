// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include "ipcsnoop.h"
#include "pipe_seed.h"

int pipe_seed_interest(int map_fd, __u32 pid)
{
	struct dirent *de;
	char dir[64];
	int n = 0;
	DIR *d;

	if (map_fd < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct pipe_id id = {};
		struct stat st;
		__u8 one = 1;

		/* stat follows the fd's link to the pipe's own inode */
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) ||
		    !S_ISFIFO(st.st_mode))
			continue;
		id.ino = st.st_ino;
		id.dev = (major(st.st_dev) << 20) | minor(st.st_dev);   /* the kernel's dev_t */
		if (!bpf_map_update_elem(map_fd, &id, &one, BPF_ANY))
			n++;
	}
	closedir(d);
	return n;
}
