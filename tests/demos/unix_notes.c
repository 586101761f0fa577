/*
 * The socket example of the IPC notes: two processes on one machine talk
 * through a socket, a server and a client. The server binds a unix socket to
 * a path, listens and accepts; the client connects and sends a request, the
 * server answers; three rounds, in lockstep so no read merges two messages.
 * Expected edges: client -> server connect (accepted), 3 x client -> server
 * 13 bytes "Hello Server!", 3 x server -> client 18 bytes "Hi Client, got it!".
 * Usage: unix_notes [SOCKET-PATH]   (default: a fresh temporary directory)
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "demo.h"

#define ROUNDS 3
static const char request[] = "Hello Server!";
static const char reply[] = "Hi Client, got it!";

static void exact_recv(int fd, size_t want)
{
	char buf[255];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n != (ssize_t)want)
		die("recv: short message");
}

static int client_main(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("client connect");
	for (int i = 0; i < ROUNDS; i++) {
		if (send(fd, request, strlen(request), 0) != (ssize_t)strlen(request))
			die("client send");
		exact_recv(fd, strlen(reply));
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ipcsnoop-notes.XXXXXX";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd, cfd, status;
	pid_t pid;

	if (argc > 1) {
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
	} else {
		if (!mkdtemp(dir))
			die("mkdtemp");
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/notes.sock", dir);
	}
	unlink(addr.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 4))
		die("server bind/listen");
	announce("server", getpid());
	printf("path %s\n", addr.sun_path);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(lfd);
		return client_main(&addr);
	}
	announce("client", pid);
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		die("accept");
	for (int i = 0; i < ROUNDS; i++) {
		exact_recv(cfd, strlen(request));
		if (send(cfd, reply, strlen(reply), 0) != (ssize_t)strlen(reply))
			die("server send");
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	close(cfd);
	close(lfd);
	unlink(addr.sun_path);
	if (argc <= 1)
		rmdir(dir);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
