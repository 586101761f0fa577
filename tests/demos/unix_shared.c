/*
 * One socket shared by two processes after fork: the parent creates a
 * socketpair, forks a "writer" child that inherits the sending end, and a
 * "reader" child that reads the other end. Parent and writer take turns
 * sending on the SAME socket: the parent 3 x "from parent" (11 bytes), the
 * writer 3 x "from the writer" (15 bytes). The reader reads each message.
 * Expected: 3 parent -> reader edges of 11 bytes and 3 writer -> reader
 * edges of 15 bytes: each edge names the process that really sent, though
 * both sent through one socket (same skb->sk).
 * Usage: unix_shared [dgram]   (default: stream)
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include "demo.h"

static const char from_parent[] = "from parent";
static const char from_writer[] = "from the writer";

int main(int argc, char **argv)
{
	int type = argc > 1 && !strcmp(argv[1], "dgram") ? SOCK_DGRAM : SOCK_STREAM;
	int sv[2], turn[2], back[2], status, ok = 1;
	pid_t writer, reader;
	char buf[64];

	if (socketpair(AF_UNIX, type, 0, sv) || pipe(turn) || pipe(back))
		die("socketpair/pipe");
	announce("parent", getpid());
	reader = fork();
	if (reader < 0)
		die("fork");
	if (reader == 0) {
		size_t want[6] = { 11, 15, 11, 15, 11, 15 };

		close(sv[0]);
		for (int i = 0; i < 6; i++) {
			if (read(sv[1], buf, sizeof(buf)) != (ssize_t)want[i])
				die("reader read");
			send_byte(back[1]);       /* read: the next one may send */
		}
		return 0;
	}
	announce("reader", reader);
	writer = fork();
	if (writer < 0)
		die("fork");
	if (writer == 0) {
		for (int i = 0; i < 3; i++) {
			wait_byte(turn[0]);
			if (write(sv[0], from_writer, 15) != 15)
				die("writer write");
		}
		return 0;
	}
	announce("writer", writer);
	close(sv[1]);
	for (int i = 0; i < 3; i++) {
		if (write(sv[0], from_parent, 11) != 11)
			die("parent write");
		wait_byte(back[0]);
		send_byte(turn[1]);               /* the writer's turn */
		wait_byte(back[0]);
	}
	if (waitpid(writer, &status, 0) != writer || !WIFEXITED(status) || WEXITSTATUS(status))
		ok = 0;
	if (waitpid(reader, &status, 0) != reader || !WIFEXITED(status) || WEXITSTATUS(status))
		ok = 0;
	return ok ? 0 : 1;
}
