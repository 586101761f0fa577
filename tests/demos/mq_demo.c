/*
 * A POSIX message queue, /ipcsnoop-demo: S sends four messages of
 * priorities 1, 9, 5, 9 and exits; then R receives them in the kernel's
 * order (9 "high", 9 "high-2", 5 "mid", 1 "low"), finds the queue empty
 * once (EAGAIN: nothing moves), and waits until T sends "late" (priority 3).
 * The queue is unlinked at the end (and at the start, if a crashed run left it).
 *
 *   mq_demo            the run above; announces S, R and T
 *   mq_demo prefill    create the queue and leave one message "old" (priority 2)
 *   mq_demo drain      receive one message and unlink the queue
 *   mq_demo clean      unlink the queue
 */
#include <fcntl.h>
#include <mqueue.h>
#include <sys/wait.h>
#include "demo.h"

#define NAME "/ipcsnoop-demo"

static mqd_t open_queue(int flags)
{
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = 64 };
	mqd_t q = mq_open(NAME, flags, 0600, &attr);

	if (q == (mqd_t)-1)
		die("mq_open");
	return q;
}

static void snd(mqd_t q, const char *text, unsigned prio)
{
	if (mq_send(q, text, strlen(text) + 1, prio) < 0)
		die("mq_send");
}

static ssize_t rcv(mqd_t q, char *buf, unsigned *prio)
{
	ssize_t n;

	do
		n = mq_receive(q, buf, 64, prio);
	while (n < 0 && errno == EINTR);
	return n;
}

static void expect(mqd_t q, const char *text, unsigned prio)
{
	char buf[64];
	unsigned p;
	ssize_t n = rcv(q, buf, &p);

	if (n < 0)
		die("mq_receive");
	if (strcmp(buf, text) || p != prio) {
		fprintf(stderr, "demo: got '%s' prio %u, want '%s' prio %u\n", buf, p, text, prio);
		exit(1);
	}
	printf("received '%s' priority %u\n", buf, p);
	fflush(stdout);
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child failed");
}

static int sender(void)
{
	mqd_t q = open_queue(O_WRONLY);

	snd(q, "low", 1);
	snd(q, "high", 9);
	snd(q, "mid", 5);
	snd(q, "high-2", 9);
	return 0;
}

static int late(void)
{
	snd(open_queue(O_WRONLY), "late", 3);
	return 0;
}

static int receiver(void)
{
	mqd_t q = open_queue(O_RDONLY), nb = open_queue(O_RDONLY | O_NONBLOCK);
	char buf[64];

	expect(q, "high", 9);
	expect(q, "high-2", 9);
	expect(q, "mid", 5);
	expect(q, "low", 1);
	if (rcv(nb, buf, NULL) >= 0 || errno != EAGAIN)
		die("expected EAGAIN");
	expect(q, "late", 3);       /* blocks until T sends */
	return 0;
}

static pid_t spawn(const char *role, int (*fn)(void))
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		exit(fn());
	announce(role, pid);
	return pid;
}

int main(int argc, char **argv)
{
	pid_t r, t;
	mqd_t q;

	if (argc > 1) {
		char buf[64];
		unsigned p;

		if (!strcmp(argv[1], "prefill")) {
			mq_unlink(NAME);
			snd(open_queue(O_CREAT | O_EXCL | O_WRONLY), "old", 2);
			return 0;
		}
		if (!strcmp(argv[1], "drain")) {
			if (rcv(open_queue(O_RDONLY), buf, &p) < 0)
				die("mq_receive");
			printf("received '%s' priority %u\n", buf, p);
			return mq_unlink(NAME) ? 1 : 0;
		}
		if (!strcmp(argv[1], "clean"))
			return mq_unlink(NAME) && errno != ENOENT ? 1 : 0;
		fprintf(stderr, "usage: mq_demo [prefill|drain|clean]\n");
		return 2;
	}
	if (mq_unlink(NAME) && errno != ENOENT)     /* a queue left over by a crashed run */
		die("mq_unlink");
	q = open_queue(O_CREAT | O_EXCL | O_RDWR);
	reap(spawn("S", sender));
	r = spawn("R", receiver);
	usleep(200 * 1000);     /* let R drain the queue and block */
	t = spawn("T", late);
	reap(t);
	reap(r);
	mq_close(q);
	return mq_unlink(NAME) ? 1 : 0;
}
