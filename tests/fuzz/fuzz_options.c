/*
 * libFuzzer: option parsing with an argv made of the input's NUL-separated
 * strings. parse_options must return 0, 1 (help) or -1 (one error line), and
 * what it accepts must be consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4096 + 1];
	char *argv[MAX_ARGS + 2];
	struct env env;
	int argc = 1, ret;

	if (size > 4096)
		size = 4096;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "ipcsnoop";
	for (size_t at = 0; at < size && argc <= MAX_ARGS; at += strlen(buf + at) + 1)
		argv[argc++] = buf + at;
	argv[argc] = NULL;
	ret = parse_options(&env, argc, argv);
	if (ret != 0 && ret != 1 && ret != -1)
		abort();
	if (ret == 0) {
		if (env.npids < 0 || env.npids > MAX_PIDS || env.data_bytes > IPCSNOOP_DATA_MAX)
			abort();
		if (env.ringbuf_bytes < 4096 || (env.ringbuf_bytes & (env.ringbuf_bytes - 1)))
			abort();
		if ((env.user_set && !env.command) || (env.summary_only && env.data_bytes))
			abort();
		if (!env.kinds || (env.kinds & ~kinds_implemented()))
			abort();
		if (env.comm_set && (!env.comm[0] || strnlen(env.comm, sizeof(env.comm)) >= sizeof(env.comm)))
			abort();
	}
	return 0;
}
