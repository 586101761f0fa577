// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unix sockets: one edge per (receive, sender). A receive arrives as one copy
 * record per skb it read (each naming the process that queued that skb) and
 * then one recv record naming the receiving socket; the copies of one thread
 * are grouped by sender until that recv record, or hold_ns, or the end.
 * A copy made before its sender tagged the skb waits up to hold_ns for the
 * sender's late record. Accepted connections print at once (unix_edge.c).
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "unix_model.h"

#define UNIX_MSG_PEEK 2

struct unix_receive {                /* one thread's receive in progress */
	bool used;
	struct unix_rx rx;
	__u64 first_ts;
	int ngroups;
	struct unix_group groups[UNIX_GROUPS_MAX];
};

struct unix_known_sock {             /* a socket seen open: its inode outlives its close */
	__u64 sk, peer, inode, seen;
};

struct unix_wait {                   /* a received group whose sender's late record may come */
	bool used;
	struct unix_rx rx;
	struct unix_group g;
	struct unix_sock_info rsock;
	bool peek;
	__u64 since;
};

struct unix_model {
	struct correlator *c;
	struct unix_receive *recv;       /* UNIX_PENDING_MAX slots */
	unsigned nused;
	struct unix_wait *wait;          /* UNIX_WAIT_MAX slots */
	unsigned nwait;
	struct unix_known_sock known[UNIX_KNOWN_MAX];
	__u64 seq;
};

/* Remember the inode of an open socket (the newest record wins). */
static void learn(struct unix_model *m, const struct unix_sock_info *s)
{
	struct unix_known_sock *slot = &m->known[0];

	if (!s->sk || !s->inode)
		return;
	for (unsigned i = 0; i < UNIX_KNOWN_MAX; i++) {
		struct unix_known_sock *k = &m->known[i];

		if (k->sk == s->sk) {
			slot = k;
			break;
		}
		if (k->seen < slot->seen)
			slot = k;       /* the least recently seen, if sk is new */
	}
	slot->sk = s->sk;
	slot->peer = s->peer;
	slot->inode = s->inode;
	slot->seen = ++m->seq;
}

/* A sender that closed before its data was read has no inode any more: the
 * one it had, if it was seen open and (when peered) with the same peer. */
static void recall(struct unix_model *m, struct unix_sock_info *s, const struct unix_sock_info *dst)
{
	if (s->inode || !s->sk)
		return;
	for (unsigned i = 0; i < UNIX_KNOWN_MAX; i++) {
		const struct unix_known_sock *k = &m->known[i];

		if (k->sk == s->sk && (!dst || dst->peer != s->sk || k->peer == dst->sk)) {
			s->inode = k->inode;
			return;
		}
	}
}

/* Name a closed sender from memory, then print. */
static void emit_one(struct unix_model *m, const struct unix_rx *rx, struct unix_group *g,
		     const struct unix_sock_info *rsock, bool peek)
{
	recall(m, &g->sender, rsock);
	unix_emit_group(m->c, rx, g, rsock, peek);
}

static void unwait(struct unix_model *m, struct unix_wait *w)
{
	emit_one(m, &w->rx, &w->g, &w->rsock, w->peek);
	w->used = false;
	m->nwait--;
}

/* Hold a group whose sender may still name itself (a late record). */
static void hold(struct unix_model *m, const struct unix_rx *rx, const struct unix_group *g,
		 const struct unix_sock_info *rsock, bool peek, __u64 now)
{
	struct unix_wait *w = NULL, *oldest = NULL;

	for (unsigned i = 0; i < UNIX_WAIT_MAX && !w; i++) {
		if (!m->wait[i].used)
			w = &m->wait[i];
		else if (!oldest || m->wait[i].since < oldest->since)
			oldest = &m->wait[i];
	}
	if (!w) {
		m->c->stats.evicted[IPC_UNIX]++;
		unwait(m, oldest);
		w = oldest;
	}
	w->used = true;
	w->rx = *rx;
	w->g = *g;
	w->rsock = *rsock;
	w->peek = peek;
	w->since = now;
	m->nwait++;
}

static void release(struct unix_model *m, struct unix_receive *rc, const struct rec_unix_recv *done)
{
	bool peek = done && (done->flags & UNIX_MSG_PEEK);

	/* a receive that failed delivered nothing */
	if (!done || done->ret >= 0)
		for (int i = 0; i < rc->ngroups; i++) {
			struct unix_group *g = &rc->groups[i];

			if (done && g->how == UNIX_SENDER_UNKNOWN && g->waiting_skb)
				hold(m, &rc->rx, g, &done->sock, peek, done->hdr.ts_ns);
			else
				emit_one(m, &rc->rx, g, done ? &done->sock : NULL, peek);
		}
	rc->used = false;
	rc->ngroups = 0;
	m->nused--;
}

/*
 * The slots in use, in slot order: *i is where to look next, *left how many
 * in use are still ahead (start with m->nused / m->nwait). start() and hold()
 * fill the lowest free slot, so a scan that stops after the last one in use
 * stays near the front of its table (and leaves the rest of it untouched).
 * The slot returned may be freed before the next call.
 */
static struct unix_receive *next_receive(struct unix_model *m, unsigned *i, unsigned *left)
{
	for (; *left && *i < UNIX_PENDING_MAX; (*i)++)
		if (m->recv[*i].used) {
			(*left)--;
			return &m->recv[(*i)++];
		}
	return NULL;
}

static struct unix_wait *next_wait(struct unix_model *m, unsigned *i, unsigned *left)
{
	for (; *left && *i < UNIX_WAIT_MAX; (*i)++)
		if (m->wait[*i].used) {
			(*left)--;
			return &m->wait[(*i)++];
		}
	return NULL;
}

/* Called on every unix record */
static struct unix_receive *find(struct unix_model *m, __u32 tgid, __u32 tid)
{
	struct unix_receive *rc;

	for (unsigned i = 0, left = m->nused; (rc = next_receive(m, &i, &left));)
		if (rc->rx.tid == tid && rc->rx.tgid == tgid)
			return rc;
	return NULL;
}

static struct unix_receive *start(struct unix_model *m, const struct rec_header *h)
{
	struct unix_receive *rc = NULL, *oldest = NULL;

	for (unsigned i = 0; i < UNIX_PENDING_MAX && !rc; i++) {
		struct unix_receive *s = &m->recv[i];

		if (!s->used)
			rc = s;
		else if (!oldest || s->first_ts < oldest->first_ts)
			oldest = s;
	}
	if (!rc) {
		/* full: the oldest receive prints without its receiving socket */
		m->c->stats.evicted[IPC_UNIX]++;
		release(m, oldest, NULL);
		rc = oldest;
	}
	rc->used = true;
	rc->ngroups = 0;
	rc->rx.tgid = h->tgid;
	rc->rx.tid = h->tid;
	memcpy(rc->rx.comm, h->comm, IPCSNOOP_COMM_LEN);
	rc->rx.start_ns = 0;
	rc->first_ts = h->ts_ns;
	m->nused++;
	return rc;
}

static void add_data(struct unix_group *g, const struct rec_unix_copy *r, __u64 bytes_before)
{
	const unsigned char *data = (const unsigned char *)(r + 1);
	unsigned cap = g->data_max, want, take;

	if (g->data_gap || g->data_len >= cap)
		return;
	if (g->data_len != bytes_before) {
		g->data_gap = true;     /* an earlier piece was not captured in full */
		return;
	}
	want = cap - g->data_len;
	if (want > r->len)
		want = r->len;
	take = r->data_len < want ? r->data_len : want;
	memcpy(g->data + g->data_len, data, take);
	g->data_len += take;
	if (take < want)
		g->data_gap = true;
}

static void on_copy(struct unix_model *m, const struct rec_unix_copy *r, bool with_data)
{
	struct unix_receive *rc = find(m, r->hdr.tgid, r->hdr.tid);
	struct unix_group *g = NULL;
	__u64 before;

	if (!rc)
		rc = start(m, &r->hdr);
	for (int i = 0; i < rc->ngroups && !g; i++) {
		struct unix_group *x = &rc->groups[i];

		if (x->how == r->sender_how && x->tgid == r->sender_tgid && x->sender.sk == r->sender.sk &&
		    x->waiting_skb == (r->waiting ? r->skb : 0))
			g = x;
	}
	if (!g) {
		if (rc->ngroups == UNIX_GROUPS_MAX) {
			/* one read from more senders than we hold: print what we have */
			m->c->stats.evicted[IPC_UNIX]++;
			for (int i = 0; i < rc->ngroups; i++)
				emit_one(m, &rc->rx, &rc->groups[i], NULL, false);
			rc->ngroups = 0;
		}
		g = &rc->groups[rc->ngroups++];
		memset(g, 0, sizeof(*g));
		g->how = r->sender_how;
		g->tgid = r->sender_tgid;
		g->tid = r->sender_tid ? r->sender_tid : r->sender_tgid;
		memcpy(g->comm, r->sender_comm, IPCSNOOP_COMM_LEN);
		g->sender = r->sender;
		g->waiting_skb = r->waiting ? r->skb : 0;
		g->ts = r->hdr.ts_ns;
		g->has_data = with_data;
		g->data_max = r->data_max < IPCSNOOP_DATA_MAX ? r->data_max : IPCSNOOP_DATA_MAX;
	}
	before = g->bytes;
	g->bytes += r->len;
	g->messages++;
	g->nfds += r->nfds;
	for (int k = 0; k < UNIX_FDK_COUNT; k++)
		g->fd_kinds[k] += r->fd_kinds[k];
	if (r->has_creds && !g->has_creds) {
		g->has_creds = true;
		g->cred_pid = r->cred_pid;
		g->cred_uid = r->cred_uid;
		g->cred_gid = r->cred_gid;
	}
	if (with_data)
		add_data(g, r, before);
}

static void name_sender(struct unix_group *g, const struct rec_unix_late *r)
{
	g->how = UNIX_SENDER_TAG;
	g->late = true;
	g->tgid = r->hdr.tgid;
	g->tid = r->hdr.tid;
	memcpy(g->comm, r->hdr.comm, IPCSNOOP_COMM_LEN);
	g->waiting_skb = 0;
}

/* The sender of an skb its receiver copied first: name it where it waits. */
static void on_late(struct unix_model *m, const struct rec_unix_late *r)
{
	struct unix_receive *rc;
	struct unix_wait *w;

	for (unsigned i = 0, left = m->nused; (rc = next_receive(m, &i, &left));) {
		if (rc->rx.tid != r->rx_tid)
			continue;
		for (int j = 0; j < rc->ngroups; j++)
			if (rc->groups[j].waiting_skb == r->skb)
				name_sender(&rc->groups[j], r);
	}
	for (unsigned i = 0, left = m->nwait; (w = next_wait(m, &i, &left));)
		if (w->rx.tid == r->rx_tid && w->g.waiting_skb == r->skb) {
			name_sender(&w->g, r);
			unwait(m, w);
		}
}

void unix_model_learn(struct unix_model *m, const struct unix_sock_info *s)
{
	learn(m, s);
}

void unix_model_emit(struct unix_model *m, const struct unix_rx *rx, struct unix_group *g,
		     const struct unix_sock_info *rsock)
{
	emit_one(m, rx, g, rsock, false);
}

struct correlator *unix_model_correlator(struct unix_model *m)
{
	return m->c;
}

static bool sock_ok(const struct unix_sock_info *s)
{
	return s->addr_len <= IPCSNOOP_PATH_LEN;
}

/* ---- model_ops glue ---- */

static void *create(struct correlator *c)
{
	struct unix_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->recv = calloc(UNIX_PENDING_MAX, sizeof(*m->recv));
	m->wait = calloc(UNIX_WAIT_MAX, sizeof(*m->wait));
	if (!m->recv || !m->wait) {
		free(m->recv);
		free(m->wait);
		free(m);
		return NULL;
	}
	return m;
}

static void destroy(void *mp)
{
	struct unix_model *m = mp;

	if (!m)
		return;
	free(m->recv);
	free(m->wait);
	free(m);
}

static int record(void *mp, const struct rec_header *h, size_t len)
{
	struct unix_model *m = mp;

	switch (h->type) {
	case REC_UNIX_COPY: {
		const struct rec_unix_copy *r = (const void *)h;
		bool with_data = len == sizeof(*r) + IPCSNOOP_DATA_MAX;

		if ((len != sizeof(*r) && !with_data) || r->sender_how > UNIX_SENDER_CREDS || r->waiting > 1 ||
		    r->data_len > (with_data ? IPCSNOOP_DATA_MAX : 0) || !sock_ok(&r->sender))
			return -1;
		learn(m, &r->sender);
		on_copy(m, r, with_data);
		return 0;
	}
	case REC_UNIX_RECV: {
		const struct rec_unix_recv *r = (const void *)h;
		struct unix_receive *rc;

		if (len != sizeof(*r) || !sock_ok(&r->sock))
			return -1;
		learn(m, &r->sock);
		rc = find(m, h->tgid, h->tid);
		if (rc)
			release(m, rc, r);
		return 0;
	}
	case REC_UNIX_LATE: {
		const struct rec_unix_late *r = (const void *)h;

		if (len != sizeof(*r))
			return -1;
		on_late(m, r);
		return 0;
	}
	case REC_UNIX_ACCEPT: {
		const struct rec_unix_accept *r = (const void *)h;

		if (len != sizeof(*r) || !sock_ok(&r->server) || !sock_ok(&r->client))
			return -1;
		learn(m, &r->server);
		learn(m, &r->client);
		unix_emit_accept(m->c, r);
		return 0;
	}
	}
	return -1;
}

static void tick(void *mp, __u64 now_ns)
{
	struct unix_model *m = mp;
	struct unix_receive *rc;
	struct unix_wait *w;

	for (unsigned i = 0, left = m->nused; (rc = next_receive(m, &i, &left));)
		if (rc->first_ts + m->c->hold_ns <= now_ns)
			release(m, rc, NULL);
	for (unsigned i = 0, left = m->nwait; (w = next_wait(m, &i, &left));)
		if (w->since + m->c->hold_ns <= now_ns)
			unwait(m, w);   /* no late record: the sender stays unknown */
}

static void flush(void *mp)
{
	struct unix_model *m = mp;
	struct unix_receive *rc;
	struct unix_wait *w;

	for (unsigned i = 0, left = m->nused; (rc = next_receive(m, &i, &left));)
		release(m, rc, NULL);
	for (unsigned i = 0, left = m->nwait; (w = next_wait(m, &i, &left));)
		unwait(m, w);
}

const struct model_ops unix_model_ops = {
	.name = "unix",
	.kinds = 1u << IPC_UNIX,
	.rec_first = REC_UNIX_FIRST,
	.rec_last = REC_UNIX_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
	.tick = tick,
	.flush = flush,
};
