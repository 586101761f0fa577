// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "unix_seed.h"

bool unix_seed_holds_socket(__u32 pid)
{
	struct dirent *de;
	bool found = false;
	char dir[64];
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	d = opendir(dir);
	if (!d)
		return true;            /* cannot tell: assume it does */
	while (!found && (de = readdir(d))) {
		struct stat st;

		/* stat follows the fd's link to the socket's inode */
		found = de->d_name[0] != '.' && !fstatat(dirfd(d), de->d_name, &st, 0) &&
			S_ISSOCK(st.st_mode);
	}
	closedir(d);
	return found;
}
