/* Helpers shared by the demo programs: deterministic, small, loud on failure. */
#ifndef DEMO_H
#define DEMO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each demo announces its processes as "role pid" lines on stdout, for the tests. */
static inline void announce(const char *role, pid_t pid)
{
	printf("%s %d\n", role, (int)pid);
	fflush(stdout);
}

#define die(what) do { fprintf(stderr, "demo: %s: %s\n", what, strerror(errno)); exit(2); } while (0)

/* Read exactly one byte (a handshake), retrying on EINTR. */
static inline void wait_byte(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("handshake read");
}

static inline void send_byte(int fd)
{
	ssize_t n;

	do
		n = write(fd, "!", 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("handshake write");
}

#endif
