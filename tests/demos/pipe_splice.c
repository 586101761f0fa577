/*
 * The other ways into and out of a pipe: vmsplice, pwritev2, splice, tee,
 * sendfile, readv, preadv2. One process at a time, so every count is known:
 *
 *   writer   into p1: write 1000 'w', vmsplice 500 'v', pwritev2 200 'p'
 *   mover    splice p1 -> p2 (1700), tee p2 -> p3 (copies 1700, consumes
 *            nothing), sendfile a 300-byte file -> p4
 *   reader   read p2 (1700), readv p3 (1700), vmsplice out of p4 (300)
 *
 * Expected edges: writer -> mover over p1 (1700, read by splice), mover ->
 * reader over p2 (1700, spliced in), over p3 (1700, by tee), over p4 (300,
 * by sendfile, read by vmsplice).
 */
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "pipe_demo.h"

static int p1[2], p2[2], p3[2], p4[2];
static char buf[4096];

/* repeat a moving call until n bytes went through (call may use done_, the bytes so far) */
#define ALL(n, call) do {                                       \
	size_t done_ = 0;                                       \
	while (done_ < (n)) {                                   \
		ssize_t r_ = (call);                            \
		if (r_ <= 0) {                                  \
			if (r_ < 0 && errno == EINTR)           \
				continue;                       \
			die(#call);                             \
		}                                               \
		done_ += r_;                                    \
	}                                                       \
} while (0)

static void writer(void)
{
	struct iovec iov;

	memset(buf, 'w', 1000);
	write_once(p1[1], buf, 1000);
	memset(buf, 'v', 500);
	iov = (struct iovec){ buf, 500 };
	if (vmsplice(p1[1], &iov, 1, 0) != 500)
		die("vmsplice into p1");
	memset(buf, 'p', 200);
	iov = (struct iovec){ buf, 200 };
	if (pwritev2(p1[1], &iov, 1, -1, 0) != 200)
		die("pwritev2 into p1");
}

static void mover(void)
{
	char path[] = "/tmp/ipcsnoop-splice.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		die("mkstemp");
	unlink(path);
	memset(buf, 'f', 300);
	write_once(fd, buf, 300);
	ALL(1700, splice(p1[0], NULL, p2[1], NULL, 1700 - done_, 0));
	ALL(1700, tee(p2[0], p3[1], 1700 - done_, 0));
	ALL(300, sendfile(p4[1], fd, &(off_t){ done_ }, 300 - done_));
	close(fd);
}

static void reader(void)
{
	ALL(1700, read(p2[0], buf, 1700 - done_));
	ALL(1700, readv(p3[0], &(struct iovec){ buf, 1700 - done_ }, 1));
	ALL(300, vmsplice(p4[0], &(struct iovec){ buf, 300 - done_ }, 1, 0));
}

static void run(const char *role, void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fn();
		_exit(0);
	}
	announce(role, pid);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die(role);
}

int main(void)
{
	if (pipe(p1) || pipe(p2) || pipe(p3) || pipe(p4))
		die("pipe");
	announce_fd("p1", p1[0]);
	announce_fd("p2", p2[0]);
	announce_fd("p3", p3[0]);
	announce_fd("p4", p4[0]);
	run("writer", writer);
	run("mover", mover);
	run("reader", reader);
	return 0;
}
