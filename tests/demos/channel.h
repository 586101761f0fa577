/*
 * One-way IPC of a chosen kind for the fault and escaping demos, so that the
 * same scenario runs once per kind ipcsnoop implements: signal (SIGUSR1 to a
 * handler), pipe, unix (datagram socketpair), msg (SysV queue), mq (POSIX).
 * One message = one byte (or one signal). Acknowledgements use an eventfd,
 * which no kind traces, so they add no edge.
 */
#ifndef CHANNEL_H
#define CHANNEL_H

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include "demo.h"

enum chan_kind { CH_SIGNAL, CH_PIPE, CH_UNIX, CH_MSG, CH_MQ, CH_KINDS };
static const char *const chan_names[CH_KINDS] = { "signal", "pipe", "unix", "msg", "mq" };

struct chan {
	int kind;
	int rd, wr;       /* pipe, unix: the ends; mq: the descriptor in rd */
	int msqid;
	int ack;          /* eventfd (semaphore): the receiver's "got it" */
};

static volatile sig_atomic_t chan_signals;     /* SIGUSR1 received by this process */
static int chan_consumed;

static void chan_on_signal(int sig)
{
	chan_signals++;
}

/* Signals: a handler, SIGUSR1 blocked except while waiting for one (none is lost or merged). */
static inline void chan_signal_setup(void)
{
	struct sigaction sa = { .sa_handler = chan_on_signal };
	sigset_t s;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static inline int chan_kind_of(const char *name)
{
	for (int k = 0; k < CH_KINDS; k++)
		if (!strcmp(name, chan_names[k]))
			return k;
	fprintf(stderr, "demo: unknown kind '%s'\n", name);
	exit(2);
}

static inline void chan_open(struct chan *ch, const char *kind)
{
	int sv[2];

	memset(ch, 0, sizeof(*ch));
	ch->kind = chan_kind_of(kind);
	ch->ack = eventfd(0, EFD_SEMAPHORE);
	if (ch->ack < 0)
		die("eventfd");
	switch (ch->kind) {
	case CH_SIGNAL:
		chan_signal_setup();
		break;
	case CH_PIPE:
		if (pipe(sv))
			die("pipe");
		ch->rd = sv[0], ch->wr = sv[1];
		break;
	case CH_UNIX:
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die("socketpair");
		ch->rd = sv[1], ch->wr = sv[0];
		break;
	case CH_MSG:
		ch->msqid = msgget(IPC_PRIVATE, 0600);
		if (ch->msqid < 0)
			die("msgget");
		break;
	case CH_MQ: {
		char name[64];

		static int opened;

		ch->msqid = getpid() << 4 | (opened++ & 15);   /* names the queue: exec closes mq fds */
		snprintf(name, sizeof(name), "/ipcsnoop-demo-%d", ch->msqid);
		ch->rd = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
		if (ch->rd < 0)
			die("mq_open");
		break;
	}
	}
}

/* "kind:rd:wr:msqid:ack", to hand the channel over an exec (its fds kept open across it) */
static inline void chan_to_arg(const struct chan *ch, char *buf, size_t cap)
{
	int fds[] = { ch->rd, ch->wr, ch->ack };

	for (int i = 0; i < 3; i++)
		if (fds[i] > 0)
			fcntl(fds[i], F_SETFD, 0);
	snprintf(buf, cap, "%s:%d:%d:%d:%d", chan_names[ch->kind], ch->rd, ch->wr, ch->msqid, ch->ack);
}

static inline void chan_from_arg(struct chan *ch, const char *arg)
{
	char kind[16];

	memset(ch, 0, sizeof(*ch));
	if (sscanf(arg, "%15[a-z]:%d:%d:%d:%d", kind, &ch->rd, &ch->wr, &ch->msqid, &ch->ack) != 5)
		die("channel argument");
	ch->kind = chan_kind_of(kind);
	if (ch->kind == CH_SIGNAL)
		chan_signal_setup();
	if (ch->kind == CH_MQ) {
		char name[64];

		snprintf(name, sizeof(name), "/ipcsnoop-demo-%d", ch->msqid);
		ch->rd = mq_open(name, O_RDWR);
		if (ch->rd < 0)
			die("mq_open");
	}
}

/* One message to peer (signals need the peer's pid), not waiting for it to be taken. */
static inline void chan_send_noack(struct chan *ch, pid_t peer)
{
	struct { long mtype; char c; } m = { 1, 'm' };
	int r = 0;

	switch (ch->kind) {
	case CH_SIGNAL:
		r = kill(peer, SIGUSR1);
		break;
	case CH_PIPE:
	case CH_UNIX:
		r = write(ch->wr, "m", 1) == 1 ? 0 : -1;
		break;
	case CH_MSG:
		r = msgsnd(ch->msqid, &m, 1, 0);
		break;
	case CH_MQ:
		r = mq_send(ch->rd, "m", 1, 0);
		break;
	}
	if (r)
		die("send");
}

static inline void chan_recv_noack(struct chan *ch)
{
	struct { long mtype; char c[8]; } m;
	char buf[8192];
	sigset_t open_mask;
	ssize_t n = 1;

	switch (ch->kind) {
	case CH_SIGNAL:
		sigprocmask(SIG_SETMASK, NULL, &open_mask);
		sigdelset(&open_mask, SIGUSR1);
		while (chan_signals == chan_consumed)
			sigsuspend(&open_mask);
		chan_consumed++;
		break;
	case CH_PIPE:
	case CH_UNIX:
		do
			n = read(ch->rd, buf, 1);
		while (n < 0 && errno == EINTR);
		break;
	case CH_MSG:
		do
			n = msgrcv(ch->msqid, &m, sizeof(m.c), 0, 0);
		while (n < 0 && errno == EINTR);
		break;
	case CH_MQ:
		do
			n = mq_receive(ch->rd, buf, sizeof(buf), NULL);
		while (n < 0 && errno == EINTR);
		break;
	}
	if (n != 1)
		die("receive");
}

static inline void chan_send(struct chan *ch, pid_t peer)
{
	uint64_t v;

	chan_send_noack(ch, peer);
	while (read(ch->ack, &v, sizeof(v)) < 0)
		if (errno != EINTR)
			die("ack read");
}

static inline void chan_recv(struct chan *ch)
{
	uint64_t one = 1;

	chan_recv_noack(ch);
	if (write(ch->ack, &one, sizeof(one)) != sizeof(one))
		die("ack write");
}

static inline void chan_close(struct chan *ch)
{
	char name[64];

	if (ch->kind == CH_MSG)
		msgctl(ch->msqid, IPC_RMID, NULL);
	if (ch->kind == CH_MQ) {
		snprintf(name, sizeof(name), "/ipcsnoop-demo-%d", ch->msqid);
		mq_unlink(name);
	}
}

/* A one-shot event between processes (an eventfd): post once, wait once. */
static inline int event_new(void)
{
	int fd = eventfd(0, EFD_SEMAPHORE);

	if (fd < 0)
		die("eventfd");
	return fd;
}

static inline void event_post(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		die("event post");
}

static inline void event_wait(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) < 0)
		if (errno != EINTR)
			die("event wait");
}

#endif
