// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SysV shared memory: the set of processes attached to each segment. shmat
 * adds the caller (the kernel side names the segment mapped at the returned
 * address: id, key, size), shmdt removes it, fork copies the parent's
 * attachments to the child, exec and exit drop them all, IPC_RMID marks the
 * segment for destruction when its last process detaches.
 *
 * Each attach is an event naming the processes attached at that moment, and
 * one "shares" edge from the process that attached to each of the others (an
 * undirected relation: said so in the edge). Segments attached before tracing
 * started are found in /proc (sysvipc/shm, then each process's maps) when the
 * model is created, before the kernel side is attached.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sysv_model.h"

#define SHM_SEGS_MAX 256
#define SHM_ATT_MAX 256                 /* processes per segment */
#define SHM_RDONLY 010000
#define SHM_ERR_MAX 4095                /* shmat returns -errno in [-4095, -1] */

struct shm_att {
	__u32 tgid;
	__u32 count;                    /* attaches not yet detached */
	bool selected;                  /* as the kernel side said */
	bool scanned;                   /* found in /proc at start-up, not yet in a record */
	char comm[IPCSNOOP_COMM_LEN];
};

struct shm_seg {
	bool used;
	bool key_known;
	bool removed;                   /* IPC_RMID: destroyed at the last detach */
	__u32 ns;
	__s32 id;
	__s64 key;
	__u64 size;
	__u64 last_ts;
	unsigned natt;
	struct shm_att att[SHM_ATT_MAX];
};

struct shm_model {
	struct correlator *c;
	struct shm_seg *segs;
	bool scanned;
	__u32 own_ns;
};

static struct shm_seg *seg_find(struct shm_model *m, __u32 ns, __s32 id, bool create)
{
	struct shm_seg *victim = NULL;

	for (unsigned i = 0; i < SHM_SEGS_MAX; i++) {
		struct shm_seg *s = &m->segs[i];

		if (s->used && s->ns == ns && s->id == id)
			return s;
		if (!victim || (victim->used && (!s->used || s->last_ts < victim->last_ts)))
			victim = s;
	}
	if (!create)
		return NULL;
	if (victim->used)
		m->c->stats.evicted[IPC_SHM] += 1 + victim->natt;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->ns = ns;
	victim->id = id;
	if (ns == m->own_ns)
		victim->key_known = sysv_proc_lookup("shm", id, &victim->key, &victim->size);
	return victim;
}

/* Found at start-up (before the filter was known): the filter decides now. */
static bool att_selected(const struct shm_model *m, const struct shm_att *a)
{
	return a->scanned ? correlator_pid_selected(m->c, a->tgid, a->comm) : a->selected;
}

/* Do its fork, exec and exit reach us? Records do for selected processes and
 * for those that attached while traced (the kernel side follows them). */
static bool att_watched(const struct shm_model *m, const struct shm_att *a)
{
	return !a->scanned || !m->c->filter.active || att_selected(m, a);
}

static int att_find(const struct shm_seg *s, __u32 tgid)
{
	for (unsigned i = 0; i < s->natt; i++)
		if (s->att[i].tgid == tgid)
			return i;
	return -1;
}

static struct shm_att *att_add(struct shm_model *m, struct shm_seg *s, __u32 tgid,
			       const char *comm, bool selected, bool scanned)
{
	int i = att_find(s, tgid);
	struct shm_att *a;

	if (i >= 0) {
		a = &s->att[i];
		if (a->scanned && !scanned)
			a->selected = selected;
		else
			a->selected |= selected;
		a->scanned &= scanned;
		memcpy(a->comm, comm, IPCSNOOP_COMM_LEN);
		return a;
	}
	if (s->natt == SHM_ATT_MAX) {
		m->c->stats.evicted[IPC_SHM]++;
		memmove(&s->att[0], &s->att[1], (SHM_ATT_MAX - 1) * sizeof(s->att[0]));
		s->natt--;
	}
	a = &s->att[s->natt++];
	memset(a, 0, sizeof(*a));
	a->tgid = tgid;
	a->selected = selected;
	a->scanned = scanned;
	memcpy(a->comm, comm, IPCSNOOP_COMM_LEN);
	return a;
}

static void att_del(struct shm_seg *s, unsigned i)
{
	memmove(&s->att[i], &s->att[i + 1], (s->natt - i - 1) * sizeof(s->att[0]));
	s->natt--;
}

/* Does process pid still map segment id? (for processes whose exit we may miss) */
static bool maps_segment(__u32 pid, __s32 id)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/maps", sysv_proc_root, pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long ino;
		char name[64] = "";

		if (sscanf(line, "%*s %*s %*s %*s %llu %63s", &ino, name) == 2 &&
		    !strncmp(name, "/SYSV", 5) && ino == (unsigned long long)(__u32)id)
			found = true;
	}
	fclose(f);
	return found;
}

static void revalidate(struct shm_model *m, struct shm_seg *s)
{
	for (unsigned i = 0; i < s->natt;) {
		if (!att_watched(m, &s->att[i]) && !maps_segment(s->att[i].tgid, s->id)) {
			att_del(s, i);
			continue;
		}
		i++;
	}
}

static void seg_object(struct shm_seg *s, struct edge *e, char *key, size_t cap)
{
	sysv_key_str(key, cap, s->key_known, s->key);
	edge_set_object(e, "shm key=%s id=%d", key, s->id);
	edge_attr_int(e, "shmid", s->id);
	edge_attr_str(e, "key", key);
	edge_attr_int(e, "size", s->size);
}

static void attached_list(const struct shm_seg *s, char *buf, size_t cap)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < s->natt && at < cap; i++) {
		int n = snprintf(buf + at, cap - at, "%s%u", i ? "," : "", s->att[i].tgid);

		if (n < 0 || (size_t)n >= cap - at) {
			/* keep the list a valid prefix: end it with "..." if it fits */
			buf[at] = '\0';
			if (cap - at > 4)
				strcpy(buf + at, ",...");
			break;
		}
		at += n;
	}
}

/* An attach (by shmat or inherited at fork): the event, then the shares edges. */
static void attached(struct shm_model *m, struct shm_seg *s, const struct shm_att *attacher,
		     __u32 tid, __u64 ts, const char *via, bool readonly)
{
	char key[24], list[EDGE_ATTR_STR_LEN];
	struct shm_att me = *attacher;
	const struct shm_att *who = &me;
	bool who_sel = att_selected(m, who);
	struct edge e;

	revalidate(m, s);      /* may move the entries: work on a copy */
	if (who_sel) {
		edge_init(&e, IPC_SHM, ts);
		endpoint_set(&e.src, who->tgid, tid, who->comm);
		e.dst = e.src;
		e.solo = true;      /* an event of one process, not an edge */
		edge_attr_str(&e, "op", "attach");
		seg_object(s, &e, key, sizeof(key));
		edge_attr_int(&e, "nattach", s->natt);
		attached_list(s, list, sizeof(list));
		edge_attr_str(&e, "attached", list);
		edge_attr_str(&e, "via", via);
		edge_attr_bool(&e, "readonly", readonly);
		edge_set_detail(&e, "attach via=%s size=%llu attached=%u [%s]%s", via,
				(unsigned long long)s->size, s->natt, list, s->removed ? " removed" : "");
		correlator_emit(m->c, &e);
	}
	for (unsigned i = 0; i < s->natt; i++) {
		const struct shm_att *o = &s->att[i];

		if (o->tgid == who->tgid || (!who_sel && !att_selected(m, o)))
			continue;
		edge_init(&e, IPC_SHM, ts);
		endpoint_set(&e.src, who->tgid, tid, who->comm);
		endpoint_set(&e.dst, o->tgid, o->tgid, o->comm);
		edge_attr_str(&e, "op", "shares");
		seg_object(s, &e, key, sizeof(key));
		edge_attr_bool(&e, "undirected", true);
		edge_attr_str(&e, "via", via);
		edge_set_detail(&e, "shares segment with (undirected)");
		correlator_emit(m->c, &e);
	}
}

static void destroy_if_done(struct shm_seg *s)
{
	if (s->removed && s->natt == 0)
		s->used = false;
}

static void detached(struct shm_model *m, struct shm_seg *s, __u32 tgid, __u32 tid,
		     const char *comm, bool selected, __u64 ts, const char *reason)
{
	char key[24], list[EDGE_ATTR_STR_LEN];
	struct edge e;

	if (selected) {
		edge_init(&e, IPC_SHM, ts);
		endpoint_set(&e.src, tgid, tid, comm);
		e.dst = e.src;
		e.solo = true;      /* an event of one process, not an edge */
		edge_attr_str(&e, "op", "detach");
		seg_object(s, &e, key, sizeof(key));
		edge_attr_int(&e, "nattach", s->natt);
		attached_list(s, list, sizeof(list));
		edge_attr_str(&e, "attached", list);
		edge_attr_str(&e, "reason", reason);
		edge_set_detail(&e, "detach by %s, attached=%u [%s]%s", reason, s->natt, list,
				s->removed && !s->natt ? " destroyed" : "");
		correlator_emit(m->c, &e);
	}
	destroy_if_done(s);
}

/* ---- start-up: segments attached before tracing ---- */

static void read_comm(const char *pid_str, char comm[IPCSNOOP_COMM_LEN])
{
	char path[300], buf[IPCSNOOP_COMM_LEN + 2] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/comm", sysv_proc_root, pid_str);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		strcpy(buf, "?");
	memset(comm, 0, IPCSNOOP_COMM_LEN);
	memcpy(comm, buf, strnlen(buf, IPCSNOOP_COMM_LEN - 1));
}

static void scan_maps(struct shm_model *m, const char *pid_str)
{
	char path[300], line[512], comm[IPCSNOOP_COMM_LEN] = "";
	__u32 pid = strtoul(pid_str, NULL, 10);
	FILE *f;

	if (!pid || pid == (__u32)getpid())
		return;
	snprintf(path, sizeof(path), "%s/%s/maps", sysv_proc_root, pid_str);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long ino;
		char name[64] = "";
		struct shm_seg *s;

		if (sscanf(line, "%*s %*s %*s %*s %llu %63s", &ino, name) != 2 ||
		    strncmp(name, "/SYSV", 5))
			continue;
		s = seg_find(m, m->own_ns, (__s32)ino, false);
		if (!s || att_find(s, pid) >= 0)
			continue;
		if (!comm[0])
			read_comm(pid_str, comm);
		att_add(m, s, pid, comm, false, true)->count = 1;
	}
	fclose(f);
}

static bool same_ipc_ns(struct shm_model *m, const char *pid_str)
{
	char path[300], link[64] = "";
	unsigned long inum = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/ns/ipc", sysv_proc_root, pid_str);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return m->own_ns == 0;
	link[n] = '\0';
	return sscanf(link, "ipc:[%lu]", &inum) == 1 && inum == m->own_ns;
}

void shm_model_scan(struct shm_model *m)
{
	char path[256], line[512];
	bool attached_any = false;
	struct dirent *d;
	FILE *f;
	DIR *dir;

	if (m->scanned)
		return;
	m->scanned = true;
	snprintf(path, sizeof(path), "%s/sysvipc/shm", sysv_proc_root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long long key, size, nattch;
		int id, perms, cpid, lpid;
		struct shm_seg *s;

		if (sscanf(line, "%lld %d %o %lld %d %d %lld", &key, &id, &perms, &size, &cpid,
			   &lpid, &nattch) != 7)
			continue;
		s = seg_find(m, m->own_ns, id, true);
		s->key = (__s32)key;
		s->key_known = true;
		s->size = size;
		s->removed = (perms & 01000) != 0;      /* SHM_DEST */
		attached_any |= nattch > 0;
	}
	fclose(f);
	if (!attached_any)
		return;
	dir = opendir(sysv_proc_root);
	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]) && same_ipc_ns(m, d->d_name))
			scan_maps(m, d->d_name);
	closedir(dir);
}

/* ---- records ---- */

static void key_from_name(struct shm_seg *s, const char *name)
{
	unsigned int key;

	if (!s->key_known && sscanf(name, "SYSV%8x", &key) == 1) {
		s->key = (__s32)key;
		s->key_known = true;
	}
}

static void on_at(struct shm_model *m, const struct rec_shm_at *r)
{
	__s32 id = r->seg_id >= 0 ? (__s32)r->seg_id : r->shmid;
	char name[sizeof(r->name) + 1];
	struct shm_att *a;
	struct shm_seg *s;

	if (r->ret < 0 && r->ret >= -SHM_ERR_MAX)
		return;         /* failed: nothing attached */
	s = seg_find(m, r->tag.ipc_ns, id, true);
	memcpy(name, r->name, sizeof(r->name));
	name[sizeof(r->name)] = '\0';
	key_from_name(s, name);
	if (r->size)
		s->size = r->size;
	s->last_ts = r->hdr.ts_ns;
	a = att_add(m, s, r->hdr.tgid, r->hdr.comm, r->tag.selected, false);
	a->count++;
	attached(m, s, a, r->hdr.tid, r->hdr.ts_ns, "shmat", r->shmflg & SHM_RDONLY);
}

static void on_dt(struct shm_model *m, const struct rec_shm_dt *r)
{
	struct shm_seg *s;
	int i;

	if (r->ret < 0 || r->seg_id < 0)
		return;
	s = seg_find(m, r->tag.ipc_ns, r->seg_id, true);
	s->last_ts = r->hdr.ts_ns;
	i = att_find(s, r->hdr.tgid);
	if (i >= 0 && s->att[i].count > 1) {
		s->att[i].count--;
	} else {
		if (i >= 0)
			att_del(s, i);
		revalidate(m, s);
	}
	detached(m, s, r->hdr.tgid, r->hdr.tid, r->hdr.comm, r->tag.selected, r->hdr.ts_ns, "shmdt");
}

static void on_get(struct shm_model *m, const struct rec_sysv_get *r)
{
	struct shm_seg *s;

	if (r->ret < 0)
		return;
	s = seg_find(m, r->tag.ipc_ns, r->ret, true);
	s->key = r->key;
	s->key_known = true;
	if (!s->size)
		s->size = r->size;
	s->last_ts = r->hdr.ts_ns;
}

static void on_ctl(struct shm_model *m, const struct rec_sysv_ctl *r)
{
	struct shm_seg *s = seg_find(m, r->tag.ipc_ns, r->id, true);
	char key[24], list[EDGE_ATTR_STR_LEN];
	struct edge e;

	if (r->cmd != 0 /* IPC_RMID */)
		return;
	s->removed = true;
	revalidate(m, s);
	if (r->tag.selected) {
		sysv_event_init(&e, IPC_SHM, &r->hdr, "rmid");
		seg_object(s, &e, key, sizeof(key));
		edge_attr_int(&e, "nattach", s->natt);
		attached_list(s, list, sizeof(list));
		edge_attr_str(&e, "attached", list);
		edge_set_detail(&e, "IPC_RMID: %s", s->natt ? "destroyed at the last detach" : "destroyed");
		correlator_emit(m->c, &e);
	}
	destroy_if_done(s);
}

static void on_task(struct shm_model *m, const struct rec_shm_task *r)
{
	char comm[IPCSNOOP_COMM_LEN];

	switch (r->event) {
	case SYSV_TASK_FORK:
		memcpy(comm, r->child_comm, sizeof(comm));
		shm_model_fork(m, r->hdr.tgid, r->child_tgid, comm,
			       correlator_pid_selected(m->c, r->child_tgid, comm), r->hdr.ts_ns);
		break;
	case SYSV_TASK_EXEC:
		shm_model_drop(m, r->hdr.tgid, "exec", r->hdr.ts_ns);
		break;
	case SYSV_TASK_EXIT:
		shm_model_drop(m, r->hdr.tgid, "exit", r->hdr.ts_ns);
		break;
	}
}

void shm_model_fork(struct shm_model *m, __u32 parent, __u32 child, const char *child_comm,
		    bool child_selected, __u64 ts)
{
	for (unsigned i = 0; i < SHM_SEGS_MAX; i++) {
		struct shm_seg *s = &m->segs[i];
		struct shm_att *a;
		__u32 count;
		int p;

		if (!s->used || (p = att_find(s, parent)) < 0 || att_find(s, child) >= 0)
			continue;
		count = s->att[p].count;
		a = att_add(m, s, child, child_comm, child_selected, false);
		a->count = count;
		attached(m, s, a, child, ts, "fork", false);
	}
}

void shm_model_drop(struct shm_model *m, __u32 tgid, const char *reason, __u64 ts)
{
	for (unsigned i = 0; i < SHM_SEGS_MAX; i++) {
		struct shm_seg *s = &m->segs[i];
		struct shm_att a;
		int k;

		if (!s->used || (k = att_find(s, tgid)) < 0)
			continue;
		a = s->att[k];
		att_del(s, k);
		detached(m, s, tgid, tgid, a.comm, att_selected(m, &a), ts, reason);
	}
}

int shm_model_record(struct shm_model *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_SHM_GET:
		if (len != sizeof(struct rec_sysv_get))
			return -1;
		on_get(m, (const void *)h);
		return 0;
	case REC_SHM_AT:
		if (len != sizeof(struct rec_shm_at))
			return -1;
		on_at(m, (const void *)h);
		return 0;
	case REC_SHM_DT:
		if (len != sizeof(struct rec_shm_dt))
			return -1;
		on_dt(m, (const void *)h);
		return 0;
	case REC_SHM_CTL:
		if (len != sizeof(struct rec_sysv_ctl))
			return -1;
		on_ctl(m, (const void *)h);
		return 0;
	case REC_SHM_TASK:
		if (len != sizeof(struct rec_shm_task))
			return -1;
		on_task(m, (const void *)h);
		return 0;
	}
	return -1;
}

struct shm_model *shm_model_new(struct correlator *c)
{
	struct shm_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->segs = calloc(SHM_SEGS_MAX, sizeof(*m->segs));
	if (!m->segs) {
		free(m);
		return NULL;
	}
	m->own_ns = sysv_own_ipc_ns();
	/* before the programs are attached: every record describes a later change */
	shm_model_scan(m);
	return m;
}

void shm_model_free(struct shm_model *m)
{
	if (!m)
		return;
	free(m->segs);
	free(m);
}
