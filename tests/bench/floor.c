// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's floor: load the generated object of empty programs, attach
 * them (all, or only the named ones: those ipcsnoop attaches in the mode being
 * compared), print "ready N" on stdout and wait for SIGINT or SIGTERM.
 * Detaches all links at once: a tracepoint detach waits for RCU grace
 * periods, one after the other they take seconds (69 programs: 3.8 s).
 *   floor OBJECT.bpf.o [PROGRAM...]
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

static void detach_all(struct bpf_link **links, int n)
{
	pthread_t *tids = calloc(n, sizeof(*tids));
	bool *started = calloc(n, sizeof(*started));

	for (int i = 0; i < n; i++) {
		started[i] = tids && started && !pthread_create(&tids[i], NULL, destroy_link, links[i]);
		if (!started[i])
			bpf_link__destroy(links[i]);
	}
	for (int i = 0; i < n; i++)
		if (started && started[i])
			pthread_join(tids[i], NULL);
	free(tids);
	free(started);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link **links;
	sigset_t set;
	int sig, n = 0, err;

	if (argc < 2) {
		fprintf(stderr, "usage: floor OBJECT.bpf.o [PROGRAM...]\n");
		return 2;
	}
	/* block the stop signals first: one that comes early is not lost */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, wanted(bpf_program__name(prog), argc, argv));
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		n++;
	links = calloc(n + 1, sizeof(*links));
	if (!links)
		return 1;
	n = 0;
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!(links[n] = bpf_program__attach(prog))) {
			fprintf(stderr, "floor: cannot attach %s: %s\n", bpf_program__name(prog),
				strerror(errno));
			return 1;
		}
		n++;
	}
	if (argc > 2 && n != argc - 2)
		fprintf(stderr, "floor: %d of the %d programs asked for exist in %s\n", n,
			argc - 2, argv[1]);
	printf("ready %d\n", n);
	fflush(stdout);
	sigwait(&set, &sig);
	detach_all(links, n);
	free(links);
	bpf_object__close(obj);
	return 0;
}
