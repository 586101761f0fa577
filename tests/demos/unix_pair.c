/*
 * A socketpair between a parent and its child (stream, unnamed): the parent
 * write()s "ping N" (6 bytes) and the child answers with send() "pong N!"
 * (7 bytes), read with read() and recv(); three rounds in lockstep.
 * Expected: 3 parent -> child edges of 6 bytes and 3 child -> parent edges of
 * 7 bytes, all over socketpair:[INODE] (the lower inode of the pair).
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include "demo.h"

int main(void)
{
	char buf[64];
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	announce("parent", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		for (int i = 0; i < 3; i++) {
			if (read(sv[1], buf, sizeof(buf)) != 6)
				die("child read");
			snprintf(buf, sizeof(buf), "pong %d!", i);
			if (send(sv[1], buf, 7, 0) != 7)
				die("child send");
		}
		return 0;
	}
	close(sv[1]);
	announce("child", pid);
	for (int i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "ping %d", i);
		if (write(sv[0], buf, 6) != 6)
			die("parent write");
		if (recv(sv[0], buf, sizeof(buf), 0) != 7)
			die("parent recv");
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
