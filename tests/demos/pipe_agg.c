/*
 * Pipe workloads for the -s tests (tests/e2e/test_pipe_summary.sh): which are
 * counted in the kernel and which go back to streaming. Lockstep through a
 * unix socketpair (not a pipe: only the workload's pipes are pipe rows).
 *   pingpong N   parent -> child 8 bytes, child -> parent 8 bytes, N rounds
 *   bulk         3 writes of 10 bytes, one read of 30
 *   split        one write of 30 bytes, 3 reads of 10
 *   alt          two writers take turns on one pipe (5 and 6 bytes, 3 rounds each)
 *   mixed        two writers' bytes in the pipe at once (5 + 6), one read of 11
 *   exitfirst    the writer (12 bytes) exits before the read
 *   preexist     a process named "other" writes 9 bytes first, then the parent 4; one read of 13
 *   splice       write 10, read; splice 7 from a file, read; write 5, read;
 *                write 6 + splice 4, one read of 10
 *   unread       20 bytes nobody reads
 *   many N       N pipes, each: write 5, read 5 (same process)
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "pipe_demo.h"

static int sync_fd[2];

static void go(int side)
{
	send_byte(sync_fd[side]);
}

static void await(int side)
{
	wait_byte(sync_fd[side]);
}

static pid_t spawn(const char *role)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0)
		announce(role, pid);
	return pid;
}

static void pingpong(int n)
{
	int ab[2], ba[2];
	char buf[8] = "ping-pon";

	if (pipe(ab) || pipe(ba))
		die("pipe");
	if (spawn("child") == 0) {
		for (int i = 0; i < n; i++) {
			read_once(ab[0], buf, 8);
			write_once(ba[1], buf, 8);
		}
		_exit(0);
	}
	for (int i = 0; i < n; i++) {
		write_once(ab[1], buf, 8);
		read_once(ba[0], buf, 8);
	}
	wait(NULL);
}

static void bulk(int split)
{
	int p[2];
	char buf[30] = "0123456789abcdefghijABCDEFGHIJ";

	if (pipe(p))
		die("pipe");
	if (spawn("child") == 0) {
		await(1);
		if (split) {
			for (int i = 0; i < 3; i++)
				read_once(p[0], buf, 10);
		} else {
			read_once(p[0], buf, 30);
		}
		_exit(0);
	}
	if (split) {
		write_once(p[1], buf, 30);
	} else {
		for (int i = 0; i < 3; i++)
			write_once(p[1], buf + 10 * i, 10);
	}
	go(0);
	wait(NULL);
}

/* two writers: alt takes turns (the pipe empty between), mixed fills it together */
static void two_writers(int mixed)
{
	int p[2], sp[2][2];
	char buf[16] = "abcdefghijklmno";

	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp[0]) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp[1]))
		die("pipe");
	for (int w = 0; w < 2; w++) {
		if (spawn(w ? "writer2" : "writer1") == 0) {
			for (int i = 0; i < (mixed ? 1 : 3); i++) {
				wait_byte(sp[w][1]);
				write_once(p[1], buf, 5 + w);
				send_byte(sp[w][1]);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < (mixed ? 1 : 3); i++) {
		for (int w = 0; w < 2; w++) {
			send_byte(sp[w][0]);
			wait_byte(sp[w][0]);
			if (!mixed)
				read_once(p[0], buf, 5 + w);
		}
	}
	if (mixed)
		read_once(p[0], buf, 11);
	wait(NULL);
	wait(NULL);
}

static void exitfirst(void)
{
	int p[2];
	char buf[12] = "bye-bye-bye";

	if (pipe(p))
		die("pipe");
	if (spawn("child") == 0) {
		write_once(p[1], buf, 12);
		_exit(0);
	}
	wait(NULL);
	read_once(p[0], buf, 12);
}

static void preexist(void)
{
	int p[2];
	char buf[13] = "123456789abc";

	if (pipe(p))
		die("pipe");
	if (spawn("other") == 0) {
		prctl(PR_SET_NAME, "other");
		write_once(p[1], buf, 9);
		_exit(0);
	}
	wait(NULL);
	write_once(p[1], buf, 4);
	read_once(p[0], buf, 13);
}

static void splice_from(int fd, int out, size_t n)
{
	loff_t off = 0;

	if (splice(fd, &off, out, NULL, n, 0) != (ssize_t)n)
		die("splice");
}

static void splice_mid(const char *path)
{
	int p[2], f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char buf[16] = "splice-me-now!!";

	if (f < 0 || write(f, buf, 16) != 16)
		die(path);
	if (pipe(p))
		die("pipe");
	if (spawn("child") == 0) {
		const int sizes[] = { 10, 7, 5, 10 };

		for (int i = 0; i < 4; i++) {
			await(1);
			read_once(p[0], buf, sizes[i]);
			go(1);
		}
		_exit(0);
	}
	write_once(p[1], buf, 10);
	go(0);
	await(0);
	splice_from(f, p[1], 7);
	go(0);
	await(0);
	write_once(p[1], buf, 5);
	go(0);
	await(0);
	write_once(p[1], buf, 6);
	splice_from(f, p[1], 4);
	go(0);
	await(0);
	wait(NULL);
	unlink(path);
}

static void unread(void)
{
	int p[2];

	if (pipe(p))
		die("pipe");
	write_once(p[1], "twenty bytes unread", 20);
}

static void many(int n)
{
	char buf[5] = "many";

	for (int i = 0; i < n; i++) {
		int p[2];

		if (pipe(p))
			die("pipe");
		write_once(p[1], buf, 5);
		read_once(p[0], buf, 5);
		close(p[0]);
		close(p[1]);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pingpong";
	int n = argc > 2 ? atoi(argv[2]) : 100;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sync_fd))
		die("socketpair");
	announce("parent", getpid());
	if (!strcmp(mode, "pingpong"))
		pingpong(n);
	else if (!strcmp(mode, "bulk") || !strcmp(mode, "split"))
		bulk(mode[0] == 's');
	else if (!strcmp(mode, "alt") || !strcmp(mode, "mixed"))
		two_writers(mode[0] == 'm');
	else if (!strcmp(mode, "exitfirst"))
		exitfirst();
	else if (!strcmp(mode, "preexist"))
		preexist();
	else if (!strcmp(mode, "splice"))
		splice_mid(argc > 2 ? argv[2] : "/tmp/pipe_agg.splice");
	else if (!strcmp(mode, "unread"))
		unread();
	else if (!strcmp(mode, "many"))
		many(n);
	else
		return 2;
	return 0;
}
