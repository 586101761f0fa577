/*
 * The pipe example of the IPC notes: the parent writes "Hello Child
 * Process!" into a pipe, the child reads it and prints it. Two changes for
 * a deterministic run: the parent waits for its child (so the traced command
 * ends after the read), and MSGSIZE counts the terminating NUL, so the child
 * can print what it read as a string.
 * Expected edge: parent -> child, 21 bytes, over the pipe announced as "pipe".
 */
#include <sys/wait.h>
#include "pipe_demo.h"

#define MSGSIZE 21

char *msg = "Hello Child Process!";

int main(void)
{
	char buf[255];
	int fd[2], pid, nbytes;

	if (pipe(fd) < 0)       /* pipe(fd) creates the pipe */
		exit(1);
	announce("parent", getpid());
	announce_fd("pipe", fd[0]);

	pid = fork();           /* from here on, parent and child */
	if (pid < 0)
		die("fork");

	if (pid > 0) {          /* the parent gets the child's pid */
		announce("child", pid);
		write(fd[1], msg, MSGSIZE);     /* writes into fd[1] */
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
		exit(0);
	} else {                /* the child gets 0 */
		nbytes = read(fd[0], buf, MSGSIZE);     /* reads from fd[0] */
		printf("%d %s\n", nbytes, buf);
		exit(0);
	}

	return 0;
}
