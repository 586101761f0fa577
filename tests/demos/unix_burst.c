/*
 * Receives that are not one message each, and a sender gone before its data
 * is read: what the -s summary, counted in the kernel, must count like the
 * streamed edges. Usage: unix_burst            the scenario below
 *                        unix_burst many N     N socketpairs, one message each
 *   burst:    on a stream socketpair the parent writes 3 x 10 bytes, the
 *             child takes all 30 with one recv(MSG_WAITALL): one receive (one
 *             edge, count 1) from 3 skbs.
 *   lockstep: the child answers 4 x 3 bytes, each read by its own recv: 4.
 *   closed:   on a second socketpair (the parent keeps the end with the higher
 *             inode) the parent sends 1 byte, which the child reads; the child
 *             writes 7 bytes, closes and exits; the parent reads them once it
 *             has reaped the child: from a socket closed meanwhile, still
 *             named socketpair:[lower inode].
 *   many N:   one process, N socketpairs one after the other, 5 bytes over
 *             each: N edges over N objects (fills the kernel's table).
 * Acknowledgements go through an eventfd, which no kind traces.
 */
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "demo.h"

static void ack(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
}

static void wait_ack(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		die("eventfd read");
}

static ino_t inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

static int many(int n)
{
	char buf[8];

	for (int i = 0; i < n; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		if (write(sv[0], "many!", 5) != 5 || read(sv[1], buf, sizeof(buf)) != 5)
			die("many");
		close(sv[0]);
		close(sv[1]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int s1[2], s2[2], efd, keep, give, status;
	unsigned long low1, low2;
	char buf[64];
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "many"))
		return many(atoi(argv[2]));
	efd = eventfd(0, EFD_SEMAPHORE);
	if (efd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s1) || socketpair(AF_UNIX, SOCK_STREAM, 0, s2))
		die("socketpair/eventfd");
	/* the parent keeps the end with the higher inode */
	keep = inode_of(s2[0]) > inode_of(s2[1]) ? 0 : 1;
	give = 1 - keep;
	low1 = inode_of(s1[0]) < inode_of(s1[1]) ? inode_of(s1[0]) : inode_of(s1[1]);
	low2 = inode_of(s2[give]);
	announce("parent", getpid());
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(s1[0]);
		close(s2[keep]);
		if (recv(s1[1], buf, 30, MSG_WAITALL) != 30)
			die("child burst recv");
		for (int i = 0; i < 4; i++) {
			if (send(s1[1], "ok!", 3, 0) != 3)
				die("child send");
			wait_ack(efd);
		}
		if (read(s2[give], buf, sizeof(buf)) != 1)
			die("child read");
		if (write(s2[give], "bye now", 7) != 7)
			die("child write");
		close(s2[give]);
		return 0;
	}
	close(s1[1]);
	close(s2[give]);
	announce("child", pid);
	for (int i = 0; i < 3; i++)
		if (write(s1[0], "0123456789", 10) != 10)
			die("parent write");
	for (int i = 0; i < 4; i++) {
		if (recv(s1[0], buf, sizeof(buf), 0) != 3)
			die("parent recv");
		ack(efd);
	}
	if (write(s2[keep], "?", 1) != 1)
		die("parent write 2");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (read(s2[keep], buf, sizeof(buf)) != 7)
		die("parent read closed");
	printf("objects socketpair:[%lu] socketpair:[%lu]\n", low1, low2);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
