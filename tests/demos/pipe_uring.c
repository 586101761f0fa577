/*
 * Pipe bytes moved by io_uring, not by a write syscall: the writer submits
 * IORING_OP_WRITE requests on the pipe's write end (raw io_uring syscalls, no
 * liburing); its child reads them with read().
 * Expected: writer -> reader, 3 writes of 7 bytes ("uring-0".."uring-2"),
 * 21 bytes, over the pipe announced as "pipe", each read by a read of its
 * own: the reader acks every 7 bytes on a second pipe and the writer waits
 * for it before the next write (without it, a writer that runs on before the
 * reader is scheduled has one read take two writes, "uring-0uring-1"). The
 * tracepoint backend cannot see these writes (no write syscall runs).
 * Exits 3 (and says why on stderr) when the kernel has no io_uring.
 */
#include <sys/wait.h>
#include "pipe_demo.h"
#include "uring_demo.h"

#define WRITES 3
#define LEN 7

/* One IORING_OP_WRITE of len bytes on fd, waited for; returns its result. */
static int ring_write(struct ring *r, int fd, const char *buf, unsigned len)
{
	struct io_uring_sqe req = {
		.opcode = IORING_OP_WRITE,
		.fd = fd,
		.addr = (uintptr_t)buf,
		.len = len,
		.off = (__u64)-1,       /* the file position: a pipe has none */
	};

	return ring_run(r, &req);
}

int main(void)
{
	char msg[LEN + 1], buf[WRITES * LEN + 1];
	struct ring r;
	int fd[2], go[2], status, got = 0;
	pid_t pid;

	if (ring_setup(&r)) {
		fprintf(stderr, "demo: io_uring_setup: %s\n", strerror(errno));
		return 3;
	}
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
		while (got < WRITES * LEN) {
			ssize_t n = read(fd[0], buf + got, sizeof(buf) - 1 - got);

			if (n <= 0)
				die("read");
			got += n;
			if (got % LEN == 0)
				send_byte(go[1]);   /* this write is read: the next may come */
		}
		buf[got] = '\0';
		printf("read %d %s\n", got, buf);
		return 0;
	}
	announce("reader", pid);
	close(fd[0]);
	close(go[1]);
	for (int i = 0; i < WRITES; i++) {
		wait_byte(go[0]);       /* the reader is ready, or read the last write */
		snprintf(msg, sizeof(msg), "uring-%d", i);
		if (ring_write(&r, fd[1], msg, LEN) != LEN) {
			fprintf(stderr, "demo: io_uring write %d did not write %d bytes\n", i, LEN);
			return 2;
		}
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
