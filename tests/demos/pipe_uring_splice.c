/*
 * File bytes spliced into a pipe by io_uring, not by a splice syscall: the
 * writer submits IORING_OP_SPLICE requests from a regular file into the
 * pipe's write end (raw io_uring syscalls, no liburing), then makes one
 * splice(2) syscall the same way; its child reads everything with read().
 * Expected: writer -> reader over the pipe announced as "pipe", 4 writes of
 * 8 bytes ("splice-0".."splice-3"), 32 bytes: 3 by io_uring, 1 by the
 * syscall (counted once). The tracepoint backend sees only the syscall's.
 * Exits 3 (and says why on stderr) when the kernel has no io_uring or no
 * io_uring splice.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include "pipe_demo.h"
#include "uring_demo.h"

#define SPLICES 4                 /* the last one by splice(2) */
#define LEN 8

/* One IORING_OP_SPLICE of len bytes from file at off into the pipe fd; its result. */
static int ring_splice(struct ring *r, int file, __u64 off, int fd, unsigned len)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_SPLICE,
		.fd = fd,
		.off = (__u64)-1,       /* a pipe has no offset */
		.splice_fd_in = file,
		.splice_off_in = off,
		.len = len,
	};

	return ring_run(r, &sqe);
}

/* A regular file holding "splice-0splice-1..." (already unlinked) */
static int data_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[256], chunk[LEN + 1];
	int f;

	snprintf(path, sizeof(path), "%s/pipe_uring_splice.XXXXXX", dir && *dir ? dir : "/tmp");
	f = mkstemp(path);
	if (f < 0)
		die("mkstemp");
	unlink(path);
	for (int i = 0; i < SPLICES; i++) {
		snprintf(chunk, sizeof(chunk), "splice-%d", i);
		write_once(f, chunk, LEN);
	}
	return f;
}

int main(void)
{
	char buf[SPLICES * LEN + 1];
	int fd[2], go[2], status, got = 0, file, res;
	struct ring r;
	pid_t pid;

	if (ring_setup(&r)) {
		fprintf(stderr, "demo: io_uring_setup: %s\n", strerror(errno));
		return 3;
	}
	file = data_file();
	if (pipe(fd) || pipe(go))
		die("pipe");
	announce("writer", getpid());
	announce_fd("pipe", fd[0]);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fd[1]);
		close(go[0]);
		send_byte(go[1]);       /* ready: the reads below are all that follows */
		while (got < SPLICES * LEN) {
			ssize_t n = read(fd[0], buf + got, sizeof(buf) - 1 - got);

			if (n <= 0)
				die("read");
			got += n;
		}
		buf[got] = '\0';
		printf("read %d %s\n", got, buf);
		return 0;
	}
	announce("reader", pid);
	close(fd[0]);
	close(go[1]);
	wait_byte(go[0]);
	for (int i = 0; i < SPLICES - 1; i++) {
		res = ring_splice(&r, file, (__u64)i * LEN, fd[1], LEN);
		if (res == LEN)
			continue;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (i == 0 && res < 0) {   /* no IORING_OP_SPLICE (5.7+) here */
			fprintf(stderr, "demo: io_uring splice: %s\n", strerror(-res));
			return 3;
		}
		fprintf(stderr, "demo: io_uring splice %d returned %d, not %d\n", i, res, LEN);
		return 2;
	}
	{
		loff_t off = (SPLICES - 1) * LEN;

		if (splice(file, &off, fd[1], NULL, LEN, 0) != LEN)
			die("splice");
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
