/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgroup v2 id -> path below the cgroup2 mount, cached and bounded. */
#ifndef IPCSNOOP_CGROUP_PATH_H
#define IPCSNOOP_CGROUP_PATH_H

#include <linux/types.h>

/* "/system.slice/foo.service", "/" for the root, or NULL if not found. */
const char *cgroup_path(__u64 id);

#endif
