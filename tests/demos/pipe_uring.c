/*
 * Pipe bytes moved by io_uring, not by a write syscall: the writer submits
 * IORING_OP_WRITE requests on the pipe's write end (raw io_uring syscalls, no
 * liburing); its child reads them with read().
 * Expected: writer -> reader, 3 writes of 7 bytes ("uring-0".."uring-2"),
 * 21 bytes, over the pipe announced as "pipe". The tracepoint backend cannot
 * see these writes (no write syscall runs).
 * Exits 3 (and says why on stderr) when the kernel has no io_uring.
 */
#include <linux/io_uring.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "pipe_demo.h"

#define WRITES 3
#define LEN 7

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r)
{
	struct io_uring_params p = { 0 };
	size_t sq_len, cq_len;
	char *sq, *cq;

	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -1;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("mmap io_uring");
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* One IORING_OP_WRITE of len bytes on fd, waited for; returns its result. */
static int ring_write(struct ring *r, int fd, const char *buf, unsigned len)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_WRITE;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = len;
	sqe->off = (__u64)-1;           /* the file position: a pipe has none */
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		die("io_uring_enter");
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		errno = EIO;
		die("io_uring: no completion");
	}
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
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
		}
		buf[got] = '\0';
		printf("read %d %s\n", got, buf);
		return 0;
	}
	announce("reader", pid);
	close(fd[0]);
	close(go[1]);
	wait_byte(go[0]);
	for (int i = 0; i < WRITES; i++) {
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
