/* Shared by the SysV/POSIX IPC model tests: a fake /proc and record builders. */
#ifndef SYSV_FIXTURE_H
#define SYSV_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "collect.h"
#include "sysv_model.h"
#include "sysv_queue.h"

#define NS 4026531839u                  /* the ipc namespace of the fixture's "self" */

static struct correlator corr;
static struct collected got;
static char fixture[64];

static void fixture_file(const char *rel, const char *text)
{
	char path[256], dir[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture, rel);
	for (char *p = path + strlen(fixture) + 1; (p = strchr(p, '/')); p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		mkdir(dir, 0700);
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

/* <fixture>/PID/ns/ipc: the fixture's own ipc namespace */
static inline void fixture_ns_link(const char *pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s/ns", fixture, pid);
	mkdir(path, 0700);
	strcat(path, "/ipc");
	if (symlink("ipc:[4026531839]", path))
		perror("symlink");
}

static void fixture_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", fixture);
}

/* A fresh fake /proc with an empty sysvipc (add files before setup()). */
static void fixture_new(void)
{
	char path[256];

	if (fixture[0])
		fixture_cleanup();
	strcpy(fixture, "/tmp/ipcsnoop-unit.XXXXXX");
	if (!mkdtemp(fixture)) {
		perror("mkdtemp");
		exit(2);
	}
	fixture_file("sysvipc/msg", "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n");
	fixture_file("sysvipc/shm", "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n");
	fixture_file("sysvipc/sem", "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
	snprintf(path, sizeof(path), "%s/self", fixture);
	mkdir(path, 0700);
	strcat(path, "/ns");
	mkdir(path, 0700);
	strcat(path, "/ipc");
	if (symlink("ipc:[4026531839]", path))
		perror("symlink");
	sysv_proc_root = fixture;
	sysv_snapshot_msgs = false;
}

/* Before main: no test may read the machine's own /proc/sysvipc. */
__attribute__((constructor)) static void fixture_init(void)
{
	fixture_new();
	atexit(fixture_cleanup);
}

static void setup(void)
{
	correlator_free(&corr);
	memset(&got, 0, sizeof(got));
	correlator_init(&corr, collect_edge, &got);
}

static inline void feed(void *rec, size_t len)
{
	CHECK_EQ_INT(correlator_record(&corr, rec, len), 0);
}

static inline struct sysv_tag tag(bool selected)
{
	return (struct sysv_tag){ .ipc_ns = NS, .selected = selected };
}

static inline struct sysv_fp fp_of(const char *text, size_t size)
{
	struct sysv_fp fp;

	sysv_fingerprint_bytes(&fp, text, size);
	return fp;
}

/* The nth edge with attribute op (a blank edge, and a failed check, if none) */
static inline const struct edge *edge_op(const char *op, int nth)
{
	static struct edge none;

	for (int i = 0; i < got.n && i < COLLECT_MAX; i++)
		if (!strcmp(attr_str(&got.edges[i], "op"), op) && nth-- == 0)
			return &got.edges[i];
	CHECK(0, "no edge with op %s", op);
	return &none;
}

static inline int count_op(const char *op)
{
	int n = 0;

	for (int i = 0; i < got.n && i < COLLECT_MAX; i++)
		n += !strcmp(attr_str(&got.edges[i], "op"), op);
	return n;
}

static inline bool attr_bool(const struct edge *e, const char *key)
{
	for (int i = 0; i < e->nattrs; i++)
		if (!strcmp(e->attrs[i].key, key))
			return e->attrs[i].num;
	return false;
}

#endif
