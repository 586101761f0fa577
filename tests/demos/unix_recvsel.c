/*
 * A receiver whose first unix socket operation is a receive, from a child
 * that sent first: with -p RECEIVER (children are not followed), only the
 * receiver is selected, and the sender must still be known exactly. The
 * receiver announces itself and waits for a byte on stdin (the test starts
 * ipcsnoop meanwhile), then:
 *   before: the socketpair and the child existed before the byte; the child
 *           is told over a pipe to send
 *   pair:   makes a socketpair and forks the child after the byte
 *   listen: socket/bind/listen after the byte; the child connects and sends
 *           before the receiver accept()s
 * The child sends "hello" (5 bytes); the receiver reads them, then waits for
 * the child. Expected: sender -> receiver 5 bytes, exact.
 * Usage: unix_recvsel before|pair|listen SOCKET-PATH
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "demo.h"

static void child_send(int fd)
{
	if (write(fd, "hello", 5) != 5)
		die("child write");
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int sv[2], go[2], fd = -1, lfd, status;
	char buf[16];
	pid_t pid = -1;

	if (argc < 3 || strlen(argv[2]) >= sizeof(a.sun_path))
		return 2;
	strcpy(a.sun_path, argv[2]);
	announce("receiver", getpid());
	if (!strcmp(argv[1], "before")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(go))
			die("socketpair/pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(go[1]);
			wait_byte(go[0]);
			child_send(sv[1]);
		}
		announce("sender", pid);
		close(go[0]);
		wait_byte(0);
		send_byte(go[1]);
		fd = sv[0];
	} else if (!strcmp(argv[1], "pair")) {
		wait_byte(0);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			child_send(sv[1]);
		announce("sender", pid);
		fd = sv[0];
	} else {
		wait_byte(0);
		unlink(a.sun_path);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4))
			die("socket/bind/listen");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			int c = socket(AF_UNIX, SOCK_STREAM, 0);

			if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
				die("connect");
			child_send(c);
		}
		announce("sender", pid);
		usleep(200000);         /* the child has connected and sent */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
	}
	if (read(fd, buf, sizeof(buf)) != 5)
		die("read");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	unlink(a.sun_path);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
