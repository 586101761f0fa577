/*
 * A named FIFO between two unrelated processes: neither is the other's
 * parent, and they share no file descriptor, only the FIFO's path.
 *
 *   pipe_fifo                 creates a FIFO in a new directory under /tmp, runs
 *                             a writer and a reader on it (each a fresh exec of
 *                             this program), waits for both, removes the FIFO
 *   pipe_fifo writer PATH     opens PATH for writing, writes the three messages
 *   pipe_fifo reader PATH     opens PATH for reading, reads until end of file
 *
 * Expected edges: fifo_writer -> fifo_reader over PATH, 3 writes, 75 bytes.
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "pipe_demo.h"

static const char *const messages[] = {
	"first message through the FIFO\n",     /* 31 bytes */
	"second message\n",                      /* 15 */
	"third and last message, bye.\n",        /* 29 */
};

static int writer(const char *path)
{
	int fd;

	prctl(PR_SET_NAME, "fifo_writer");
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("open for writing");
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		write_once(fd, messages[i], strlen(messages[i]));
	close(fd);
	return 0;
}

static int reader(const char *path)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int fd;

	prctl(PR_SET_NAME, "fifo_reader");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open for reading");
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		total += n;
	}
	printf("reader got %ld bytes\n", total);
	return 0;
}

static pid_t spawn(const char *role, const char *path)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl("/proc/self/exe", "pipe_fifo", role, path, (char *)NULL);
		die("exec");
	}
	announce(role, pid);
	return pid;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ipcsnoop-fifo.XXXXXX", path[64];
	pid_t w, r;
	int status, ok = 1;

	if (argc == 3 && !strcmp(argv[1], "writer"))
		return writer(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "reader"))
		return reader(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: pipe_fifo [writer|reader PATH]\n");
		return 2;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600))
		die("mkfifo");
	printf("fifo %s\n", path);
	fflush(stdout);
	r = spawn("reader", path);
	w = spawn("writer", path);
	if (waitpid(w, &status, 0) != w || !WIFEXITED(status) || WEXITSTATUS(status))
		ok = 0;
	if (waitpid(r, &status, 0) != r || !WIFEXITED(status) || WEXITSTATUS(status))
		ok = 0;
	unlink(path);
	rmdir(dir);
	return ok ? 0 : 1;
}
