/*
 * A new process with an old pid. Usage: pid_reuse [KIND]
 *   first (comm "first") sends one message to the parent and exits; once it
 *   is reaped, clone3() with set_tid creates second (comm "second") with the
 *   very same pid, which sends one message too. Two processes, one pid.
 *   Exits 77 (after "skip REASON") where clone3/set_tid is not allowed.
 */
#include <linux/sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "channel.h"

static pid_t spawn(struct chan *ch, pid_t parent, const char *name, pid_t want)
{
	pid_t pid;

	if (want) {
		struct clone_args ca = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&want,
					 .set_tid_size = 1 };

		pid = syscall(SYS_clone3, &ca, sizeof(ca));
	} else {
		pid = fork();
	}
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		chan_send(ch, parent);
		_exit(0);
	}
	return pid;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "signal";
	pid_t parent = getpid(), first, second;
	struct chan ch;

	chan_open(&ch, kind);
	announce("parent", parent);
	first = spawn(&ch, parent, "first", 0);
	if (first < 0)
		die("fork");
	announce("first", first);
	chan_recv(&ch);
	waitpid(first, NULL, 0);
	second = spawn(&ch, parent, "second", first);
	if (second < 0) {
		printf("skip clone3 with set_tid=%d: %s\n", (int)first, strerror(errno));
		chan_close(&ch);
		return 77;
	}
	announce("second", second);
	chan_recv(&ch);
	waitpid(second, NULL, 0);
	chan_close(&ch);
	return second == first ? 0 : 1;
}
