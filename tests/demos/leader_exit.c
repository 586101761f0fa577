/*
 * A thread-group leader that exits before its thread. Usage: leader_exit [KIND]
 *   The child's main thread starts a thread (named "worker") and calls
 *   pthread_exit(); once the leader is a zombie, the worker sends 3 messages
 *   to the parent, receives 1 from it, and ends the process with exit(0).
 */
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "channel.h"

static struct chan up, down;
static pid_t parent, leader;

/* until the leader's /proc/PID/task/PID/stat says Z (zombie), at most 5 s */
static void wait_leader_zombie(void)
{
	char path[64], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)leader, (int)leader);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = '\0';
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'Z')
				return;
		}
		usleep(10000);
	}
	fprintf(stderr, "demo: the leader did not become a zombie\n");
	exit(2);
}

static void *worker(void *arg)
{
	pthread_setname_np(pthread_self(), "worker");
	wait_leader_zombie();
	announce("worker", (pid_t)syscall(SYS_gettid));
	for (int i = 0; i < 3; i++)
		chan_send(&up, parent);
	chan_recv(&down);
	exit(0);
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "signal";
	pthread_t t;
	int status;

	chan_open(&up, kind);
	chan_open(&down, kind);
	parent = getpid();
	announce("parent", parent);
	leader = fork();
	if (leader < 0)
		die("fork");
	if (leader == 0) {
		leader = getpid();
		if (pthread_create(&t, NULL, worker, NULL))
			die("pthread_create");
		pthread_exit(NULL);
	}
	announce("child", leader);
	for (int i = 0; i < 3; i++)
		chan_recv(&up);
	chan_send(&down, leader);       /* process-directed: the worker takes it */
	if (waitpid(leader, &status, 0) != leader)
		die("waitpid");
	chan_close(&up);
	chan_close(&down);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
