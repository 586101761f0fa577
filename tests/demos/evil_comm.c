/*
 * Names full of terminal escapes, newlines, quotes and backslashes.
 * Usage: evil_comm [KIND]
 *   the parent renames itself (prctl PR_SET_NAME) to EVIL_PARENT, the child
 *   to EVIL_CHILD; the parent sends 2 messages to the child, the child 1 back.
 *   Prints "parent_comm HEX" and "child_comm HEX" (the bytes the kernel keeps).
 */
#include <sys/prctl.h>
#include <sys/wait.h>
#include "channel.h"

#define EVIL_PARENT "\x1b[2J\n\"x\\\ty\r,}{\x07"     /* 15 bytes: the whole comm */
#define EVIL_CHILD "\x1b]0;t\x07\n8:00 \x7f\xff\""       /* 15 bytes too */

/* the name as the kernel keeps it */
static void print_comm(const char *role)
{
	char s[17] = "";

	prctl(PR_GET_NAME, s);
	printf("%s ", role);
	for (const char *p = s; *p; p++)
		printf("%02x", (unsigned char)*p);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "signal";
	struct chan down, up;
	pid_t parent = getpid(), child;
	int status, ready = event_new();

	chan_open(&down, kind);
	chan_open(&up, kind);
	prctl(PR_SET_NAME, EVIL_PARENT);
	print_comm("parent_comm");
	announce("parent", parent);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		prctl(PR_SET_NAME, EVIL_CHILD);
		print_comm("child_comm");
		event_post(ready);
		chan_recv(&down);
		chan_recv(&down);
		chan_send(&up, parent);
		_exit(0);
	}
	announce("child", child);
	event_wait(ready);
	chan_send(&down, child);
	chan_send(&down, child);
	chan_recv(&up);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	chan_close(&down);
	chan_close(&up);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
