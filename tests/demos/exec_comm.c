/*
 * exec changes a process's name: edges before the exec carry the old comm,
 * edges after it the new one. Usage: exec_comm [KIND [PATH]]
 *   the child (comm "exec_comm") sends one message to the parent, then execs
 *   PATH (the tests make it a symlink named "after_exec" to this program;
 *   default /proc/self/exe, comm "exe"), which sends one more and exits.
 */
#include <sys/wait.h>
#include "channel.h"

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "signal";
	const char *path = argc > 2 ? argv[2] : "/proc/self/exe";
	char arg[64], ppid[16];
	struct chan ch;
	pid_t child;
	int status;

	if (argc == 4 && !strcmp(argv[1], "--stage2")) {      /* after the exec */
		chan_from_arg(&ch, argv[2]);
		chan_send(&ch, (pid_t)atoi(argv[3]));
		return 0;
	}
	chan_open(&ch, kind);
	announce("parent", getpid());
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		chan_send(&ch, getppid());
		chan_to_arg(&ch, arg, sizeof(arg));
		snprintf(ppid, sizeof(ppid), "%d", (int)getppid());
		execl(path, "after_exec", "--stage2", arg, ppid, (char *)NULL);
		die("exec");
	}
	announce("child", child);
	chan_recv(&ch);
	chan_recv(&ch);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	chan_close(&ch);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
