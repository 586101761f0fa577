// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include "signal_names.h"

static const char *const names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
	[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

#define KERNEL_SIGRTMIN 32
#define LIBC_SIGRTMIN 34   /* glibc keeps 32 and 33 for itself */

void signal_name(int signo, char *buf, size_t cap)
{
	if (signo > 0 && signo < 32 && names[signo])
		snprintf(buf, cap, "%s", names[signo]);
	else if (signo >= LIBC_SIGRTMIN && signo <= 64)
		snprintf(buf, cap, "SIGRTMIN+%d", signo - LIBC_SIGRTMIN);
	else
		snprintf(buf, cap, "SIG%d", signo);
}

const char *signal_default_action(int signo)
{
	switch (signo) {
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return "ignore";
	case SIGCONT:
		return "cont";
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return "stop";
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return "core";
	default:
		return "term";
	}
}

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static const char *child_origin(int si_code)
{
	switch (si_code) {
	case CLD_EXITED: return "child-exit";
	case CLD_KILLED: return "child-killed";
	case CLD_DUMPED: return "child-dumped";
	case CLD_TRAPPED: return "child-trapped";
	case CLD_STOPPED: return "child-stopped";
	case CLD_CONTINUED: return "child-continued";
	default: return "child";
	}
}

const char *signal_origin(int signo, int si_code, long long syscall_nr, bool sender_is_kthread)
{
	switch (si_code) {
	case SI_USER:
		if (syscall_nr == SYS_kill)
			return "kill";
		if (syscall_nr == SYS_tkill || syscall_nr == SYS_tgkill)
			return "tkill";
		if (syscall_nr == SYS_pidfd_send_signal)
			return "pidfd";
		if (signo == SIGPIPE && !sender_is_kthread)
			return "broken-pipe";
		return "kernel";
	case SI_KERNEL:
		if (signo == SIGALRM || signo == SIGVTALRM || signo == SIGPROF)
			return "timer";
		return "kernel";
	case SI_QUEUE:
		return "sigqueue";
	case SI_TIMER:
		return "timer";
	case SI_MESGQ:
		return "mq-notify";
	case SI_ASYNCIO:
		return "aio";
	case SI_SIGIO:
		return "sigio";
	case SI_TKILL:
		return syscall_nr == SYS_pidfd_send_signal ? "pidfd" : "tkill";
	case SI_DETHREAD:
		return "exec";
	}
	if (si_code > 0 && si_code < SI_KERNEL) {
		switch (signo) {
		case SIGCHLD:
			return child_origin(si_code);
		case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
			return "fault";
		case SIGIO:
			return "sigio";
		case SIGSYS:
			return "seccomp";
		}
	}
	return "kernel";
}

bool signal_origin_is_kernel(const char *origin)
{
	return !strcmp(origin, "kernel") || !strcmp(origin, "timer");
}

const char *signal_result_name(int result)
{
	static const char *const r[] = { "delivered", "ignored", "already-pending",
					 "overflow", "lost-info" };

	return result >= 0 && result < (int)(sizeof(r) / sizeof(r[0])) ? r[result] : "unknown";
}
