/*
 * A fixed number of signals of several kinds, each acknowledged so that none
 * coalesces with another:
 *   parent -> child: 3 SIGUSR1 by kill(), 2 SIGUSR2 by sigqueue(),
 *                    2 SIGRTMIN by tgkill(), 1 SIGHUP the child ignores
 *                    (result ignored), 1 SIGTERM by kill() (default: term)
 *   kernel -> child: 1 SIGALRM from ualarm() (handler)
 *   child  -> child: 1 SIGPIPE from writing to a pipe nobody reads (handler)
 *   child  -> parent: SIGCHLD when the child is killed by the SIGTERM
 */
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "demo.h"

static int ack_fd;

static void on_signal(int signo)
{
	ssize_t n = write(ack_fd, "a", 1);

	(void)n;
}

static void child_main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int dead[2];

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	signal(SIGHUP, SIG_IGN);

	/* kernel-generated: a timer, then a broken pipe */
	ualarm(50000, 0);     /* SIGALRM from the kernel's timer in 50 ms */
	pause();
	if (pipe(dead))
		die("pipe");
	close(dead[0]);
	if (write(dead[1], "x", 1) != -1 || errno != EPIPE)
		die("write to a broken pipe should fail with EPIPE");
	send_byte(ack_fd);          /* ready for the parent's signals */
	for (;;)
		pause();
}

int main(void)
{
	int ack[2], status;
	union sigval v = { .sival_int = 7 };
	pid_t pid;

	if (pipe(ack))
		die("pipe");
	announce("parent", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ack[0]);
		ack_fd = ack[1];
		child_main();
	}
	close(ack[1]);
	announce("child", pid);
	wait_byte(ack[0]);          /* SIGALRM handled */
	wait_byte(ack[0]);          /* SIGPIPE handled */
	wait_byte(ack[0]);          /* ready */
	for (int i = 0; i < 3; i++) {
		kill(pid, SIGUSR1);
		wait_byte(ack[0]);
	}
	for (int i = 0; i < 2; i++) {
		sigqueue(pid, SIGUSR2, v);
		wait_byte(ack[0]);
	}
	for (int i = 0; i < 2; i++) {
		syscall(SYS_tgkill, pid, pid, SIGRTMIN);
		wait_byte(ack[0]);
	}
	kill(pid, SIGHUP);          /* ignored by the child: nothing to wait for */
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 0 : 1;
}
