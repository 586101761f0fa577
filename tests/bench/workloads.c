// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's workloads: `workloads NAME ITERATIONS [DIR]`.
 * Each runs a deterministic number of operations, times only the loop
 * (setup and fork are outside it) and prints one line:
 *   workload=NAME iters=N elapsed_ns=T ns_per_op=X
 * An operation is one round trip (ping-pong), one 64 KiB write that the peer
 * reads (bulk) or one 1-byte write (non-IPC).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MSG_BYTES 64
#define BULK_BYTES (64 * 1024)

#define die(what) do { fprintf(stderr, "workloads: %s: %s\n", what, strerror(errno)); exit(2); } while (0)

static long iters;
static const char *dir = "/tmp";

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void xwrite(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		p += n;
		len -= n;
	}
}

/* Read exactly len bytes (stream) or one message of len bytes (datagram). */
static void xread(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read");
		p += n;
		len -= n;
	}
}

static pid_t xfork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "workloads: the peer process failed\n");
		exit(2);
	}
}

/* Ping-pong over two one-way channels: parent writes to[1], reads from[0]. */
static long long pingpong_fds(int to_child[2], int to_parent[2])
{
	char msg[MSG_BYTES] = "ping";
	long long t0, t1;
	pid_t pid = xfork();

	if (pid == 0) {
		for (long i = 0; i <= iters; i++) {     /* one extra: the start handshake */
			xread(to_child[0], msg, sizeof(msg));
			xwrite(to_parent[1], msg, sizeof(msg));
		}
		_exit(0);
	}
	xwrite(to_child[1], msg, sizeof(msg));
	xread(to_parent[0], msg, sizeof(msg));
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		xwrite(to_child[1], msg, sizeof(msg));
		xread(to_parent[0], msg, sizeof(msg));
	}
	t1 = now_ns();
	reap(pid);
	return t1 - t0;
}

static long long pipe_pp(void)
{
	int a[2], b[2];

	if (pipe(a) || pipe(b))
		die("pipe");
	return pingpong_fds(a, b);
}

static long long unix_pp(int type)
{
	int sv[2], a[2], b[2];

	if (socketpair(AF_UNIX, type, 0, sv))
		die("socketpair");
	/* the parent talks on sv[0], the child on sv[1], both ways */
	a[0] = sv[1];
	a[1] = sv[0];
	b[0] = sv[0];
	b[1] = sv[1];
	return pingpong_fds(a, b);
}

static long long unix_stream_pp(void) { return unix_pp(SOCK_STREAM); }
static long long unix_dgram_pp(void) { return unix_pp(SOCK_DGRAM); }

struct msgbuf_small {
	long mtype;
	char mtext[MSG_BYTES];
};

static void msg_send(int q, long type, struct msgbuf_small *m)
{
	m->mtype = type;
	while (msgsnd(q, m, sizeof(m->mtext), 0))
		if (errno != EINTR)
			die("msgsnd");
}

static void msg_recv(int q, long type, struct msgbuf_small *m)
{
	while (msgrcv(q, m, sizeof(m->mtext), type, 0) != (ssize_t)sizeof(m->mtext))
		if (errno != EINTR)
			die("msgrcv");
}

/* One queue, type 1 towards the child, type 2 back. */
static long long msg_pp(void)
{
	struct msgbuf_small m = { .mtext = "ping" };
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	long long t0, t1;
	pid_t pid;

	if (q < 0)
		die("msgget");
	pid = xfork();
	if (pid == 0) {
		for (long i = 0; i <= iters; i++) {
			msg_recv(q, 1, &m);
			msg_send(q, 2, &m);
		}
		_exit(0);
	}
	msg_send(q, 1, &m);
	msg_recv(q, 2, &m);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		msg_send(q, 1, &m);
		msg_recv(q, 2, &m);
	}
	t1 = now_ns();
	reap(pid);
	msgctl(q, IPC_RMID, NULL);
	return t1 - t0;
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

/* Wait for SIGUSR1 (blocked outside sigsuspend, so none is missed). */
static void await_usr1(const sigset_t *unblocked)
{
	while (!got_usr1)
		sigsuspend(unblocked);
	got_usr1 = 0;
}

/* SIGUSR1 back and forth, delivered to a handler (signal_generate + signal_deliver). */
static long long signal_pp(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block, unblocked;
	long long t0, t1;
	pid_t pid, parent = getpid();

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGUSR1);
	sigaction(SIGUSR1, &sa, NULL);
	pid = xfork();
	if (pid == 0) {
		for (long i = 0; i <= iters; i++) {
			await_usr1(&unblocked);
			if (kill(parent, SIGUSR1))
				die("kill");
		}
		_exit(0);
	}
	if (kill(pid, SIGUSR1))
		die("kill");
	await_usr1(&unblocked);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		if (kill(pid, SIGUSR1))
			die("kill");
		await_usr1(&unblocked);
	}
	t1 = now_ns();
	reap(pid);
	return t1 - t0;
}

/* 64 KiB writes; the child reads until end of file. Timed until it has read all. */
static long long bulk_fds(int rd, int wr)
{
	static char buf[BULK_BYTES];
	long long t0, t1;
	pid_t pid;
	int go[2];

	if (pipe(go))
		die("pipe");
	pid = xfork();
	if (pid == 0) {
		long long total = 0;
		ssize_t n;

		close(wr);
		xwrite(go[1], "!", 1);
		while ((n = read(rd, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				die("read");
			total += n;
		}
		_exit(total == (long long)iters * BULK_BYTES ? 0 : 1);
	}
	close(rd);
	xread(go[0], buf, 1);
	memset(buf, 'b', sizeof(buf));
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		xwrite(wr, buf, sizeof(buf));
	close(wr);
	reap(pid);
	t1 = now_ns();
	return t1 - t0;
}

static long long pipe_bulk(void)
{
	int p[2];

	if (pipe(p))
		die("pipe");
	return bulk_fds(p[0], p[1]);
}

static long long unix_bulk(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	return bulk_fds(sv[1], sv[0]);
}

static long long write_bytes(int fd)
{
	long long t0, t1;

	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (write(fd, "x", 1) != 1)
			die("write");
	t1 = now_ns();
	close(fd);
	return t1 - t0;
}

static long long write_null(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/null");
	return write_bytes(fd);
}

static long long write_file(void)
{
	char path[4096];
	long long ns;
	int fd;

	snprintf(path, sizeof(path), "%s/bench-write-file.%d", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("open the scratch file");
	ns = write_bytes(fd);
	unlink(path);
	return ns;
}

static const struct workload {
	const char *name;
	long long (*run)(void);
} workloads[] = {
	{ "pipe-pp", pipe_pp },
	{ "unix-stream-pp", unix_stream_pp },
	{ "unix-dgram-pp", unix_dgram_pp },
	{ "msg-pp", msg_pp },
	{ "signal-pp", signal_pp },
	{ "pipe-bulk", pipe_bulk },
	{ "unix-bulk", unix_bulk },
	{ "write-null", write_null },
	{ "write-file", write_file },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

int main(int argc, char **argv)
{
	char *end;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < NWORKLOADS; i++)
			printf("%s\n", workloads[i].name);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: workloads list | workloads NAME ITERATIONS [SCRATCH-DIR]\n");
		return 2;
	}
	iters = strtol(argv[2], &end, 10);
	if (*end || iters < 1) {
		fprintf(stderr, "workloads: ITERATIONS must be a positive number\n");
		return 2;
	}
	if (argc == 4)
		dir = argv[3];
	for (size_t i = 0; i < NWORKLOADS; i++) {
		if (strcmp(argv[1], workloads[i].name))
			continue;
		long long ns = workloads[i].run();

		printf("workload=%s iters=%ld elapsed_ns=%lld ns_per_op=%.1f\n", argv[1], iters, ns,
		       (double)ns / iters);
		return 0;
	}
	fprintf(stderr, "workloads: unknown workload '%s' (see: workloads list)\n", argv[1]);
	return 2;
}
