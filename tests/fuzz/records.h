/*
 * Well-formed records of every type the correlator accepts, for the fuzz
 * targets, their seed corpus and the bounded-memory unit test.
 *
 * The (type, size) pairs are not listed by hand: rec_shapes_probe() asks the
 * correlator which ones it accepts (a model returns -1 for a type or size it
 * does not own), so record types added to ipcsnoop.h later, with their model,
 * are covered without touching this file.
 *
 * The fuzzers' byte stream: chunks of [op:u8][len:u16 little-endian][len bytes].
 * op & 3: 0 or 1 = one record of len bytes, 2 = correlator_tick() at the newest
 * record time + the u32 in the bytes (ns), 3 = correlator_flush().
 */
#ifndef FUZZ_RECORDS_H
#define FUZZ_RECORDS_H

#include <stdlib.h>
#include <string.h>
#include "correlator.h"

#define REC_PROBE_MAX_SIZE 2048
#define REC_SHAPES_PER_TYPE 4
#define REC_SHAPES_MAX (REC_TYPE_MAX * REC_SHAPES_PER_TYPE)

struct rec_shape {
	__u16 type;
	__u16 size;
};

static void rec_ignore_edge(void *ctx, const struct edge *e)
{
}

/* Every accepted (type, size); for a type of variable size, its smallest, largest and two between. */
static inline int rec_shapes_probe(struct rec_shape *out, int max)
{
	static __u64 buf[REC_PROBE_MAX_SIZE / 8];
	struct correlator c;
	int n = 0;

	if (correlator_init(&c, rec_ignore_edge, NULL))
		return -1;
	for (int t = 1; t < REC_TYPE_MAX; t++) {
		__u16 sizes[REC_PROBE_MAX_SIZE];
		int ns = 0;

		for (int sz = sizeof(struct rec_header); sz <= REC_PROBE_MAX_SIZE; sz++) {
			struct rec_header *h = (struct rec_header *)buf;

			memset(buf, 0, sz);
			h->type = t;
			h->size = sz;
			if (correlator_record(&c, buf, sz) == 0)
				sizes[ns++] = sz;
		}
		for (int k = 0; k < ns && k < REC_SHAPES_PER_TYPE && n < max; k++) {
			int pick = ns <= REC_SHAPES_PER_TYPE ? k : k * (ns - 1) / (REC_SHAPES_PER_TYPE - 1);

			out[n].type = t;
			out[n].size = sizes[pick];
			n++;
		}
	}
	correlator_free(&c);
	return n;
}

/* A small deterministic generator (xorshift64*) */
static inline __u64 rec_rand(__u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

#define REC_PIDS 24

/* Fill buf (size bytes, 8-aligned) with a plausible record: pids from a small
 * pool (so records meet), body words that are often 0, small, or a pool pid. */
static inline void rec_fill(void *buf, const struct rec_shape *sh, __u64 ts_ns, __u64 *seed,
			    int wide)
{
	static const char *const comms[] = { "sh", "make", "cc1", "demo", "a b", "\x1b[2J\n\"x\\" };
	struct rec_header *h = buf;
	unsigned char *p = buf;
	__u32 pid;

	for (unsigned i = sizeof(*h); i + 4 <= sh->size; i += 4) {
		__u64 r = rec_rand(seed);
		__u32 w;

		switch (r % 5) {
		case 0: w = 0; break;
		case 1: w = (r >> 8) % 16; break;
		case 2: w = 1000 + (r >> 8) % REC_PIDS; break;
		case 3: w = wide ? (__u32)(r >> 16) : (r >> 8) % 64; break;
		default: w = (__u32)(r >> 32); break;
		}
		memcpy(p + i, &w, 4);
	}
	for (unsigned i = sh->size & ~3u; i < sh->size; i++)
		p[i] = (unsigned char)rec_rand(seed);
	memset(h, 0, sizeof(*h));
	h->type = sh->type;
	h->size = sh->size;
	h->cpu = rec_rand(seed) % 2;
	h->ts_ns = ts_ns;
	pid = wide ? 1000 + rec_rand(seed) % 4000000 : 1000 + rec_rand(seed) % REC_PIDS;
	h->tgid = pid;
	h->tid = rec_rand(seed) % 4 ? pid : pid + 1;
	{
		const char *cm = comms[rec_rand(seed) % (sizeof(comms) / sizeof(comms[0]))];

		memcpy(h->comm, cm, strlen(cm));     /* all shorter than 16: NUL-padded by the memset */
	}
	h->ns_tgid = rec_rand(seed) % 8 ? pid : 1;
	h->cgroup_id = rec_rand(seed) % 3;
	h->start_ns = 1000000 + pid * 7 + (wide ? rec_rand(seed) % 3 : 0);
}

#endif
