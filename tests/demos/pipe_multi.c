/*
 * One pipe, several writers and several readers, in a fixed order so every
 * byte count is known (the parent runs one child at a time):
 *
 *   writer_a  writes 300 bytes (one write)        pattern a..z
 *   writer_b  writes 100 + 100 bytes (two writes)  pattern A..Z
 *   writer_c  writes 50 bytes                      pattern 0..9
 *   reader_1  reads 100, stops; reader_2 reads 250; reader_1 goes on and
 *             reads 180; reader_3 reads 20; the parent writes 40 nobody reads
 *
 * Expected edges (one per read and writer): a->1 100, a->2 200, b->2 50,
 * b->1 150 (2 writes), c->1 30, c->3 20, and parent -> unknown 40 unread.
 * Byte i of a writer's pattern is its alphabet[i % size], across its writes.
 */
#include <signal.h>
#include <sys/wait.h>
#include "pipe_demo.h"

static int fds[2];

static void pattern(char *buf, size_t from, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[(from + i) % k];
}

static void write_pattern(size_t from, size_t n, const char *alphabet)
{
	char buf[512];

	pattern(buf, from, n, alphabet);
	write_once(fds[1], buf, n);
}

static pid_t child(const char *role)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0)
		announce(role, pid);
	return pid;
}

static void wait_for(pid_t pid, int flags)
{
	int status;

	if (waitpid(pid, &status, flags) != pid)
		die("waitpid");
	if (flags & WUNTRACED ? !WIFSTOPPED(status) : !WIFEXITED(status) || WEXITSTATUS(status))
		die("child failed");
}

int main(void)
{
	char buf[512];
	pid_t r1;

	if (pipe(fds))
		die("pipe");
	announce("parent", getpid());
	announce_fd("pipe", fds[0]);

	if (child("writer_a") == 0) {
		write_pattern(0, 300, "abcdefghijklmnopqrstuvwxyz");
		_exit(0);
	}
	wait(NULL);
	if (child("writer_b") == 0) {
		write_pattern(0, 100, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		write_pattern(100, 100, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		_exit(0);
	}
	wait(NULL);
	if (child("writer_c") == 0) {
		write_pattern(0, 50, "0123456789");
		_exit(0);
	}
	wait(NULL);

	r1 = child("reader_1");
	if (r1 == 0) {
		read_once(fds[0], buf, 100);
		raise(SIGSTOP);                 /* reader_2 reads now */
		read_once(fds[0], buf, 180);
		_exit(0);
	}
	wait_for(r1, WUNTRACED);
	if (child("reader_2") == 0) {
		read_once(fds[0], buf, 250);
		_exit(0);
	}
	wait(NULL);
	kill(r1, SIGCONT);
	wait_for(r1, 0);
	if (child("reader_3") == 0) {
		read_once(fds[0], buf, 20);
		_exit(0);
	}
	wait(NULL);
	write_pattern(0, 40, "-=");             /* left in the pipe: never read */
	return 0;
}
