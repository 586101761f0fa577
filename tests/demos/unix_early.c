/*
 * Data queued before tracing starts has no sender tag: its edge must say the
 * sender is unknown rather than guess. The process writes "early" (5 bytes)
 * into a socketpair, announces itself, with "wait" waits for a byte on stdin
 * (the test starts ipcsnoop meanwhile), reads it, then writes and reads
 * "later!" (6 bytes). Expected when traced from the byte on: ? -> reader
 * 5 bytes (unknown, not exact), reader -> reader 6 bytes (exact).
 * Usage: unix_early [wait]
 */
#include <sys/socket.h>
#include "demo.h"

int main(int argc, char **argv)
{
	char buf[16], go;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || write(sv[0], "early", 5) != 5)
		die("socketpair/write");
	announce("reader", getpid());
	if (argc > 1 && !strcmp(argv[1], "wait") && read(0, &go, 1) < 0)
		die("stdin");
	if (read(sv[1], buf, sizeof(buf)) != 5)
		die("read early");
	if (write(sv[0], "later!", 6) != 6 || read(sv[1], buf, sizeof(buf)) != 6)
		die("write/read later");
	return 0;
}
