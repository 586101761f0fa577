/*
 * Processes that exit in the middle of a transfer. Usage: fault_exit [KIND]
 * (KIND as in channel.h, default signal).
 *   early (comm "early_exit") sends one message to the parent and exits at
 *   once; the parent takes the message only after it has reaped early: the
 *   edge must still name early and its comm.
 *   signal only: the parent sends SIGUSR1 to late (comm "dies_first"), which
 *   keeps it blocked and exits: action "not-delivered".
 */
#include <sys/prctl.h>
#include <sys/wait.h>
#include "channel.h"

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "signal";
	struct chan ch;
	pid_t parent = getpid(), early, late;
	int ready, go;

	chan_open(&ch, kind);
	announce("parent", parent);
	early = fork();
	if (early < 0)
		die("fork");
	if (early == 0) {
		prctl(PR_SET_NAME, "early_exit");
		chan_send_noack(&ch, parent);
		_exit(0);
	}
	announce("early", early);
	if (waitpid(early, NULL, 0) != early)
		die("waitpid");
	chan_recv_noack(&ch);            /* the sender is gone by now */
	if (ch.kind == CH_SIGNAL) {
		ready = event_new();
		go = event_new();
		late = fork();
		if (late < 0)
			die("fork");
		if (late == 0) {
			prctl(PR_SET_NAME, "dies_first");
			event_post(ready);
			event_wait(go);          /* SIGUSR1 is pending, blocked: never delivered */
			_exit(0);
		}
		announce("late", late);
		event_wait(ready);
		kill(late, SIGUSR1);
		event_post(go);
		waitpid(late, NULL, 0);
	}
	chan_close(&ch);
	return 0;
}
