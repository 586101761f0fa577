/*
 * A flood of signals for the lost-record tests: the child ignores SIGUSR1
 * (SIG_IGN), the parent sends it N times as fast as it can (default 200000,
 * or argv[1]). Every kill() is a signal_generate with result "ignored".
 */
#include <signal.h>
#include <sys/wait.h>
#include "demo.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	int ready[2];
	pid_t pid;

	if (pipe(ready))
		die("pipe");
	announce("parent", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		send_byte(ready[1]);
		for (;;)
			pause();
	}
	announce("child", pid);
	wait_byte(ready[0]);
	for (long i = 0; i < n; i++)
		if (kill(pid, SIGUSR1))
			die("kill");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
