// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "log.h"
#include "privileges.h"

static void keep(struct __user_cap_data_struct data[2], int cap)
{
	data[cap / 32].permitted |= 1u << (cap % 32);
	data[cap / 32].effective |= 1u << (cap % 32);
}

int privileges_drop(bool keep_kill, bool keep_ptrace)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (keep_kill)
		keep(data, CAP_KILL);
	if (keep_ptrace)
		keep(data, CAP_SYS_PTRACE);
	/* ambient capabilities go with the permitted set; no_new_privs: no way back by exec */
	if (syscall(SYS_capset, &hdr, data)) {
		p_err("cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		p_err("cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	p_debug("capabilities dropped%s%s, no_new_privs set", keep_kill ? " (but CAP_KILL)" : "",
		keep_ptrace ? " (but CAP_SYS_PTRACE)" : "");
	return 0;
}
