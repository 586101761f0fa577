/*
 * Every way of sending and receiving on one seqpacket connection over an
 * abstract name that holds a NUL byte ("@ipcsnoop\0kinds-PID"):
 *   client -> server  3 bytes "fds"    sendmsg + SCM_RIGHTS (a pipe, a socket,
 *                                      a regular file), read with recvmsg
 *   client -> server  5 bytes "creds"  sendmsg + SCM_CREDENTIALS, recvmsg
 *   client -> server  8 + 9 bytes      sendmmsg of two, recvmmsg of two
 *   client -> server  6 bytes          writev of "wr"+"itev", readv
 *   client -> server  6 bytes "sendto" sendto, seen twice by the server:
 *                                      recv(MSG_PEEK) then recvfrom
 *   server -> client  4 bytes "done"   write, read
 * plus the connection itself (connect -> accept).
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "demo.h"

static socklen_t make_addr(struct sockaddr_un *a, pid_t pid)
{
	static const char name[] = "\0ipcsnoop\0kinds-";
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, name, sizeof(name) - 1);
	n = snprintf(a->sun_path + sizeof(name) - 1, sizeof(a->sun_path) - sizeof(name), "%d", (int)pid);
	return offsetof(struct sockaddr_un, sun_path) + sizeof(name) - 1 + n;
}

static void send_with_cmsg(int fd, const char *text, int level_type, const void *data, size_t len)
{
	union { char buf[CMSG_SPACE(64)]; struct cmsghdr align; } u;
	struct iovec iov = { (void *)text, strlen(text) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = CMSG_SPACE(len) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = level_type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	if (sendmsg(fd, &mh, 0) != (ssize_t)strlen(text))
		die("sendmsg with control data");
}

static int client_main(const struct sockaddr_un *a, socklen_t alen)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0), p[2], sp[2], files[3];
	struct ucred cred = { getpid(), getuid(), getgid() };
	struct iovec one = { "mmsg-one", 8 }, two = { "mmsg-two!", 9 };
	struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &one, .msg_iovlen = 1 } },
				 { .msg_hdr = { .msg_iov = &two, .msg_iovlen = 1 } } };
	struct iovec wv[2] = { { "wr", 2 }, { "itev", 4 } };
	char buf[16];
	FILE *tmp = tmpfile();

	if (fd < 0 || connect(fd, (const struct sockaddr *)a, alen))
		die("client connect");
	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || !tmp)
		die("pipe/socketpair/tmpfile");
	files[0] = p[0];
	files[1] = sp[0];
	files[2] = fileno(tmp);
	send_with_cmsg(fd, "fds", SCM_RIGHTS, files, sizeof(files));
	send_with_cmsg(fd, "creds", SCM_CREDENTIALS, &cred, sizeof(cred));
	if (sendmmsg(fd, mm, 2, 0) != 2)
		die("sendmmsg");
	if (writev(fd, wv, 2) != 6)
		die("writev");
	if (sendto(fd, "sendto", 6, 0, NULL, 0) != 6)
		die("sendto");
	if (read(fd, buf, sizeof(buf)) != 4)
		die("client read");
	close(fd);
	return 0;
}

int main(void)
{
	struct sockaddr_un a;
	socklen_t alen = make_addr(&a, getpid());
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0), cfd, status;
	union { char buf[CMSG_SPACE(64)]; struct cmsghdr align; } u;
	char buf[64], b1[16], b2[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct iovec i1 = { b1, sizeof(b1) }, i2 = { b2, sizeof(b2) };
	struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &i1, .msg_iovlen = 1 } },
				 { .msg_hdr = { .msg_iov = &i2, .msg_iovlen = 1 } } };
	struct iovec rv[2] = { { b1, 2 }, { b2, 14 } };
	pid_t pid;

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, alen) || listen(lfd, 4))
		die("server bind/listen");
	announce("server", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		return client_main(&a, alen);
	announce("client", pid);
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		die("accept");
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(cfd, &mh, 0) != 3)
		die("recvmsg fds");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				close(((int *)CMSG_DATA(c))[i]);
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(cfd, &mh, 0) != 5)
		die("recvmsg creds");
	if (recvmmsg(cfd, mm, 2, 0, NULL) != 2 || mm[0].msg_len != 8 || mm[1].msg_len != 9)
		die("recvmmsg");
	if (readv(cfd, rv, 2) != 6)
		die("readv");
	if (recv(cfd, buf, sizeof(buf), MSG_PEEK) != 6 ||
	    recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL) != 6)
		die("peek/recvfrom");
	if (write(cfd, "done", 4) != 4)
		die("server write");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
