// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's floor: load the generated object of empty programs, attach
 * them (all, or only the named ones: those ipcsnoop attaches in the mode being
 * compared), print "ready N" on stdout and wait for SIGINT or SIGTERM.
 *   floor OBJECT.bpf.o [PROGRAM...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
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
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!bpf_program__attach(prog)) {
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
	bpf_object__close(obj);     /* the links go with the process */
	return 0;
}
