/*
 * Seed corpus for the fuzzers: gen_corpus DIR writes DIR/records/, DIR/escape/
 * and DIR/options/. The record seeds are well-formed streams of every record
 * type the correlator accepts (found by rec_shapes_probe(), so types added
 * later are included), alone and mixed, with ticks and flushes.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include "records.h"

static void put_file(const char *dir, const char *sub, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

struct stream {
	unsigned char buf[1 << 16];
	size_t len;
};

static void chunk(struct stream *s, unsigned op, const void *p, unsigned n)
{
	if (s->len + 3 + n > sizeof(s->buf))
		return;
	s->buf[s->len++] = op;
	s->buf[s->len++] = n & 0xff;
	s->buf[s->len++] = n >> 8;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void add_record(struct stream *s, const struct rec_shape *sh, __u64 *ts, __u64 *seed)
{
	static __u64 rec[REC_PROBE_MAX_SIZE / 8];

	*ts += 1000 + rec_rand(seed) % 100000;
	rec_fill(rec, sh, *ts, seed, 0);
	chunk(s, 0, rec, sh->size);
}

static void add_tick(struct stream *s, __u32 delta)
{
	chunk(s, 2, &delta, sizeof(delta));
}

static void records(const char *dir)
{
	static struct rec_shape sh[REC_SHAPES_MAX];
	static struct stream s;
	int n = rec_shapes_probe(sh, REC_SHAPES_MAX);
	__u64 seed = 1, ts = 1000000000;
	char name[64];

	for (int i = 0; i < n; i++) {        /* one type at a time */
		s.len = 0;
		for (int k = 0; k < 6; k++)
			add_record(&s, &sh[i], &ts, &seed);
		add_tick(&s, 600000000);
		snprintf(name, sizeof(name), "type-%u-size-%u", sh[i].type, sh[i].size);
		put_file(dir, "records", name, s.buf, s.len);
	}
	for (int f = 0; f < 12; f++) {       /* every type, mixed: they meet on a few pids */
		s.len = 0;
		for (int k = 0; k < 60; k++) {
			add_record(&s, &sh[rec_rand(&seed) % n], &ts, &seed);
			if (rec_rand(&seed) % 16 == 0)
				add_tick(&s, rec_rand(&seed) % 1000000000);
		}
		if (f % 3 == 0)
			chunk(&s, 3, "", 0);
		snprintf(name, sizeof(name), "mixed-%02d", f);
		put_file(dir, "records", name, s.buf, s.len);
	}
	s.len = 0;                            /* a record whose size field lies */
	add_record(&s, &sh[0], &ts, &seed);
	s.buf[3 + 2] ^= 8;
	put_file(dir, "records", "malformed-size", s.buf, s.len);
	printf("%d record shapes\n", n);
}

static void escape(const char *dir)
{
	static const char evil[] = "\xff\x01\x1b[2J\n\"x\\\ty\r,}{\x07\x7f\x80 a b";
	unsigned char all[2 + 256];

	put_file(dir, "escape", "evil-full", "\xff\x01" "\x1b[2J\n\"x\\\ty\r,}{\x07\x7f\x80 a b",
		 sizeof(evil) - 1);
	put_file(dir, "escape", "evil-tight", "\x07\x00\x1b[2J\n\"x\\\t", 11);
	all[0] = 255;
	all[1] = 0;
	for (int i = 0; i < 256; i++)
		all[2 + i] = i;
	put_file(dir, "escape", "all-bytes", all, sizeof(all));
	all[0] = 40;
	put_file(dir, "escape", "all-bytes-tight", all, sizeof(all));
}

static void options(const char *dir)
{
	static const struct { const char *name; const char *argv; size_t len; } seeds[] = {
#define S(n, a) { n, a, sizeof(a) - 1 }
		S("kinds-json", "-t\0signal\0-j"),
		S("pid-comm-cmd", "-p\0" "1\0-c\0sh\0--\0true"),
		S("summary-interval", "-s\0-i\0" "5\0-T"),
		S("ringbuf", "--ringbuf=4096\0-v"),
		S("data", "-x\0" "16\0-t\0signal"),
		S("user", "-u\0nobody\0--\0id\0-u"),
		S("files", "-o\0/dev/null\0--dot\0/dev/null"),
		S("long", "--kinds=signal\0--json\0--summary\0--interval=2\0--data=8\0--user=root\0--pid=1"),
		S("bad", "-jZ\0--json=1\0--d\0-i\0" "1.5\0-x\0-5"),
		S("help", "-h"),
#undef S
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		put_file(dir, "options", seeds[i].name, seeds[i].argv, seeds[i].len);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	records(argv[1]);
	escape(argv[1]);
	options(argv[1]);
	return 0;
}
