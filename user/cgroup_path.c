// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A cgroup v2 id is the inode number of its directory in the cgroup2 mount.
 * Misses rescan the tree (bounded in entries and at most once a second).
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cgroup_path.h"

#define CACHE_SLOTS 1024
#define SCAN_MAX_DIRS 100000
#define PATH_LEN 256

struct cg_entry {
	__u64 id;
	char path[PATH_LEN];
};

static struct cg_entry cache[CACHE_SLOTS];
static char mount_point[PATH_LEN];
static size_t mount_len;
static time_t last_scan;
static int scanned_dirs;

static int find_mount(void)
{
	char line[1024], mnt[PATH_LEN], type[64];
	FILE *f;

	if (mount_len)
		return 0;
	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %255s %63s", mnt, type) == 2 && !strcmp(type, "cgroup2")) {
			snprintf(mount_point, sizeof(mount_point), "%s", mnt);
			mount_len = strlen(mount_point);
			break;
		}
	}
	fclose(f);
	return mount_len ? 0 : -1;
}

static void cache_put(__u64 id, const char *path)
{
	struct cg_entry *e = &cache[id % CACHE_SLOTS];

	e->id = id;
	snprintf(e->path, sizeof(e->path), "%s", *path ? path : "/");
}

static int visit(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (flag != FTW_D)
		return 0;
	cache_put(sb->st_ino, fpath + mount_len);
	return ++scanned_dirs >= SCAN_MAX_DIRS;
}

const char *cgroup_path(__u64 id)
{
	struct cg_entry *e = &cache[id % CACHE_SLOTS];
	time_t now = time(NULL);

	if (!id)
		return NULL;
	if (e->id == id)
		return e->path;
	if (find_mount() || now == last_scan)
		return NULL;
	last_scan = now;
	scanned_dirs = 0;
	nftw(mount_point, visit, 16, FTW_PHYS | FTW_MOUNT);
	return e->id == id ? e->path : NULL;
}
