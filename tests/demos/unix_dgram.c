/*
 * A datagram exchange: a server bound to a path answers a client that is
 * bound to an abstract name and connect()ed to the server. Each request is
 * one datagram, sent with send(), write() and sendmsg() in turn (4, 100 and
 * 1 bytes); the server reads each with recvfrom() and answers "pong!"
 * (5 bytes) with sendto(); the client reads the answers with read(), recv()
 * and recvmsg(). Expected: 3 client -> server edges (4, 100, 1 bytes) and
 * 3 server -> client edges of 5 bytes, all over the server's path, server=dst
 * then server=src. Usage: unix_dgram [SOCKET-PATH]
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "demo.h"

static const size_t sizes[3] = { 4, 100, 1 };

static int client_main(const struct sockaddr_un *server, int ready_fd)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	socklen_t melen;
	char buf[128];
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	/* abstract name: a leading NUL, not a file */
	melen = offsetof(struct sockaddr_un, sun_path) + 1 +
		snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1, "ipcsnoop-dgram-%d", (int)getpid());
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, melen) ||
	    connect(fd, (const struct sockaddr *)server, sizeof(*server)))
		die("client bind/connect");
	send_byte(ready_fd);
	for (int i = 0; i < 3; i++) {
		ssize_t n;

		memset(buf, 'a' + i, sizeof(buf));
		if (i == 0) {
			n = send(fd, buf, sizes[i], 0);
		} else if (i == 1) {
			n = write(fd, buf, sizes[i]);
		} else {
			struct iovec iov = { buf, sizes[i] };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

			n = sendmsg(fd, &mh, 0);
		}
		if (n != (ssize_t)sizes[i])
			die("client send");
		if (i == 0) {
			n = read(fd, buf, sizeof(buf));
		} else if (i == 1) {
			n = recv(fd, buf, sizeof(buf), 0);
		} else {
			struct iovec iov = { buf, sizeof(buf) };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

			n = recvmsg(fd, &mh, 0);
		}
		if (n != 5)
			die("client recv");
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ipcsnoop-dgram.XXXXXX";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, ready[2], status;
	pid_t pid;

	if (argc > 1) {
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
	} else {
		if (!mkdtemp(dir))
			die("mkdtemp");
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dgram.sock", dir);
	}
	unlink(addr.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || pipe(ready))
		die("server bind");
	announce("server", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fd);
		close(ready[0]);
		return client_main(&addr, ready[1]);
	}
	close(ready[1]);
	announce("client", pid);
	wait_byte(ready[0]);
	for (int i = 0; i < 3; i++) {
		struct sockaddr_un from;
		socklen_t flen = sizeof(from);
		char buf[128];
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n != (ssize_t)sizes[i])
			die("server recvfrom");
		if (sendto(fd, "pong!", 5, 0, (struct sockaddr *)&from, flen) != 5)
			die("server sendto");
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	close(fd);
	unlink(addr.sun_path);
	if (argc <= 1)
		rmdir(dir);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
