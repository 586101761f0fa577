/* Helpers of the pipe demos (on top of demo.h). */
#ifndef PIPE_DEMO_H
#define PIPE_DEMO_H

#include "demo.h"

/* Announce what an fd is, as /proc shows it: "ROLE pipe:[12345]" or "ROLE /path" */
static inline void announce_fd(const char *role, int fd)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		die("readlink");
	target[n] = '\0';
	printf("%s %s\n", role, target);
	fflush(stdout);
}

/* Write all of buf (one write() call: the demos' counts are per call) */
static inline void write_once(int fd, const void *buf, size_t n)
{
	ssize_t w;

	do
		w = write(fd, buf, n);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)n)
		die("write");
}

/* One read() call that must return exactly n bytes */
static inline void read_once(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)n)
		die("read");
}

#endif
