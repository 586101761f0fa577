/*
 * The signal example of the IPC notes: a process catches SIGINT with a
 * handler and waits in pause(). Here its parent sends that SIGINT once the
 * handler is in place. Expected edges: parent -> child SIGINT (kill, handler),
 * child -> parent SIGCHLD (child-exit).
 */
#include <signal.h>
#include <sys/wait.h>
#include "demo.h"

static void signal_handler(int signo)
{
	printf("Catch SIGINT!\n");
	fflush(stdout);
	exit(EXIT_SUCCESS);
}

static int notes_main(int ready_fd)
{
	if (signal(SIGINT, signal_handler) == SIG_ERR) {
		printf("Can't catch SIGINT!\n");
		exit(EXIT_FAILURE);
	}
	send_byte(ready_fd);        /* handler installed: the parent may send */
	for (;;)
		pause();
	return 0;
}

int main(void)
{
	int ready[2], status;
	pid_t pid;

	if (pipe(ready))
		die("pipe");
	announce("parent", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ready[0]);
		return notes_main(ready[1]);
	}
	close(ready[1]);
	announce("child", pid);
	wait_byte(ready[0]);
	if (kill(pid, SIGINT))
		die("kill");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
