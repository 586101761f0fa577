// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <time.h>
#include "cgroup_path.h"
#include "escape.h"
#include "output.h"

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void output_init(struct output *o, FILE *out, bool json, bool relative_time)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->json = json;
	o->relative_time = relative_time;
	o->start_ns = clock_ns(CLOCK_MONOTONIC);
	o->real_minus_mono_ns = (long long)(clock_ns(CLOCK_REALTIME) - o->start_ns);
}

void format_wall_time(const struct output *o, __u64 ts_ns, char *buf, size_t cap)
{
	if (o->relative_time) {
		long long d = (long long)(ts_ns - o->start_ns);

		if (d < 0)
			d = 0;
		snprintf(buf, cap, "%lld.%06lld", d / 1000000000ll, (d % 1000000000ll) / 1000);
	} else {
		__u64 real = ts_ns + o->real_minus_mono_ns;
		time_t sec = real / 1000000000ull;
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(buf, cap, "%02d:%02d:%02d.%03llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned long long)(real % 1000000000ull) / 1000000);
	}
}

/* "YYYY-MM-DDTHH:MM:SS." of the last second formatted: edges come in bursts */
static struct {
	time_t sec;
	bool valid;
	size_t len;
	char text[40];
} iso_prefix;

void format_iso_time(const struct output *o, __u64 ts_ns, char *buf, size_t cap)
{
	__u64 real = ts_ns + o->real_minus_mono_ns;
	time_t sec = real / 1000000000ull;
	unsigned long long ns = real % 1000000000ull;

	if (!iso_prefix.valid || iso_prefix.sec != sec) {
		struct tm tm;
		int n;

		gmtime_r(&sec, &tm);
		n = snprintf(iso_prefix.text, sizeof(iso_prefix.text), "%04d-%02d-%02dT%02d:%02d:%02d.",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			     tm.tm_sec);
		iso_prefix.valid = n > 0 && (size_t)n < sizeof(iso_prefix.text);
		iso_prefix.len = iso_prefix.valid ? n : 0;
		iso_prefix.sec = sec;
	}
	if (!iso_prefix.valid || cap < iso_prefix.len + 11) {
		snprintf(buf, cap, "%s%09lluZ", iso_prefix.text, ns);
		return;
	}
	memcpy(buf, iso_prefix.text, iso_prefix.len);
	for (int i = 8; i >= 0; i--, ns /= 10)
		buf[iso_prefix.len + i] = '0' + ns % 10;
	buf[iso_prefix.len + 9] = 'Z';
	buf[iso_prefix.len + 10] = '\0';
}

/*
 * A JSON line is built here and written with one fwrite: stdio's printf
 * machinery per field cost more than everything else ipcsnoop does per
 * record. Appends never overflow: a full buffer is written out first.
 */
#define OB_ESC_MAX (6 * 512)      /* json_put_string's cap, escaped */

struct obuf {
	FILE *f;
	size_t len;
	char b[2 * OB_ESC_MAX + 1024];
};

static void ob_flush(struct obuf *ob)
{
	if (ob->len)
		fwrite(ob->b, 1, ob->len, ob->f);
	ob->len = 0;
}

/* Room for n more bytes (n <= sizeof(ob->b)) */
static char *ob_room(struct obuf *ob, size_t n)
{
	if (sizeof(ob->b) - ob->len < n)
		ob_flush(ob);
	return ob->b + ob->len;
}

/* inlined: most appends are short literals, copied by a few moves */
static inline __attribute__((always_inline)) void ob_mem(struct obuf *ob, const char *s, size_t n)
{
	if (n > sizeof(ob->b)) {
		ob_flush(ob);
		fwrite(s, 1, n, ob->f);
		return;
	}
	memcpy(ob_room(ob, n), s, n);
	ob->len += n;
}

static inline __attribute__((always_inline)) void ob_str(struct obuf *ob, const char *s)
{
	ob_mem(ob, s, strlen(s));
}

/* Two digits per division: pids, times and counts are printed on every edge */
static void ob_u64(struct obuf *ob, unsigned long long v)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char t[20];
	int i = sizeof(t);

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		t[--i] = pairs[d + 1];
		t[--i] = pairs[d];
	}
	if (v >= 10) {
		t[--i] = pairs[v * 2 + 1];
		t[--i] = pairs[v * 2];
	} else {
		t[--i] = '0' + v;
	}
	ob_mem(ob, t + i, sizeof(t) - i);
}

static void ob_s64(struct obuf *ob, long long v)
{
	if (v < 0) {
		ob_mem(ob, "-", 1);
		ob_u64(ob, -(unsigned long long)v);
	} else {
		ob_u64(ob, v);
	}
}

static void ob_json_string(struct obuf *ob, const void *s, size_t len)
{
	char *p;

	if (len > 512)
		len = 512;
	p = ob_room(ob, OB_ESC_MAX + 3);
	p[0] = '"';
	ob->len += 1 + escape_json(p + 1, OB_ESC_MAX + 1, s, len);
	ob->b[ob->len++] = '"';
}

static void ob_endpoint(struct obuf *ob, const struct endpoint *ep)
{
	ob_str(ob, "{\"pid\":");
	ob_u64(ob, ep->pid);
	ob_str(ob, ",\"tid\":");
	ob_u64(ob, ep->tid);
	ob_str(ob, ",\"comm\":");
	ob_json_string(ob, ep->comm, strnlen(ep->comm, sizeof(ep->comm)));
	if (!ep->known)
		ob_str(ob, ",\"known\":false");
	if (ep->start_ns) {
		ob_str(ob, ",\"start_mono_ns\":");
		ob_u64(ob, ep->start_ns);
	}
	if (ep->ns_pid) {
		const char *cg = cgroup_path(ep->cgroup_id);

		ob_str(ob, ",\"ns_pid\":");
		ob_u64(ob, ep->ns_pid);
		if (cg) {
			ob_str(ob, ",\"cgroup\":");
			ob_json_string(ob, cg, strlen(cg));
		}
	}
	ob_mem(ob, "}", 1);
}

void json_put_string(FILE *f, const void *s, size_t len)
{
	struct obuf ob = { .f = f };

	ob_json_string(&ob, s, len);
	ob_flush(&ob);
}

void json_put_endpoint(FILE *f, const struct endpoint *ep)
{
	struct obuf ob = { .f = f };

	ob_endpoint(&ob, ep);
	ob_flush(&ob);
}

void text_endpoint(const struct endpoint *ep, char *pid, size_t pcap, char *comm, size_t ccap)
{
	if (!ep->known) {
		snprintf(pid, pcap, "?");
		snprintf(comm, ccap, "[unknown]");
		return;
	}
	if (ep->pid == 0) {
		snprintf(pid, pcap, "0");
		snprintf(comm, ccap, "[kernel]");
		return;
	}
	if (ep->ns_pid)     /* in another pid namespace: host pid(pid inside) */
		snprintf(pid, pcap, "%u(%u)", ep->pid, ep->ns_pid);
	else
		snprintf(pid, pcap, "%u", ep->pid);
	escape_text(comm, ccap, ep->comm, strnlen(ep->comm, sizeof(ep->comm)), 1);
}

static void print_text(struct output *o, const struct edge *e)
{
	char tbuf[32], spid[32], dpid[32], scomm[80], dcomm[80];
	char obj[4 * EDGE_OBJECT_LEN + 1], detail[4 * EDGE_DETAIL_LEN + 1];
	FILE *f = o->out;

	if (!o->header_done) {
		fprintf(f, "%-12s %-6s %7s %-16s    %7s %-16s %-24s %s\n", o->relative_time ? "TIME(s)" : "TIME",
			"KIND", "SRC", "SRC-COMM", "DST", "DST-COMM", "OBJECT", "DETAIL");
		o->header_done = true;
	}
	format_wall_time(o, e->ts_ns, tbuf, sizeof(tbuf));
	text_endpoint(&e->src, spid, sizeof(spid), scomm, sizeof(scomm));
	text_endpoint(&e->dst, dpid, sizeof(dpid), dcomm, sizeof(dcomm));
	escape_text(obj, sizeof(obj), e->object, edge_object_len(e), 0);
	escape_text(detail, sizeof(detail), e->detail, strnlen(e->detail, sizeof(e->detail)), 0);
	fprintf(f, "%-12s %-6s %7s %-16s -> %7s %-16s %-24s %s", tbuf, ipc_kind_name(e->kind),
		spid, scomm, dpid, dcomm, obj, detail);
	if (e->data) {
		char data[4 * IPCSNOOP_DATA_MAX + 1];

		escape_text(data, sizeof(data), e->data, e->data_len, 0);
		fprintf(f, " data=\"%s\"", data);
	}
	fputc('\n', f);
}

static void print_json(struct output *o, const struct edge *e)
{
	struct obuf ob = { .f = o->out };
	char *p;

	ob_str(&ob, "{\"type\":\"edge\",\"time\":\"");
	p = ob_room(&ob, 48);
	format_iso_time(o, e->ts_ns, p, 48);
	ob.len += strlen(p);
	ob_str(&ob, "\",\"mono_ns\":");
	ob_u64(&ob, e->ts_ns);
	ob_str(&ob, ",\"kind\":\"");
	ob_str(&ob, ipc_kind_name(e->kind));
	ob_str(&ob, "\",\"src\":");
	ob_endpoint(&ob, &e->src);
	ob_str(&ob, ",\"dst\":");
	ob_endpoint(&ob, &e->dst);
	ob_str(&ob, ",\"object\":");
	ob_json_string(&ob, e->object, edge_object_len(e));
	if (e->has_bytes) {
		ob_str(&ob, ",\"bytes\":");
		ob_u64(&ob, e->bytes);
	}
	ob_str(&ob, e->inferred ? ",\"exact\":false" : ",\"exact\":true");
	if (e->solo)
		ob_str(&ob, ",\"solo\":true");
	for (int i = 0; i < e->nattrs; i++) {
		const struct edge_attr *a = &e->attrs[i];

		ob_str(&ob, ",\"");
		ob_str(&ob, a->key);
		ob_str(&ob, "\":");
		switch (a->type) {
		case ATTR_INT:
			ob_s64(&ob, a->num);
			break;
		case ATTR_BOOL:
			ob_str(&ob, a->num ? "true" : "false");
			break;
		case ATTR_STR:
		case ATTR_BYTES:
			ob_json_string(&ob, a->str, a->len);
			break;
		}
	}
	if (e->data) {
		char b64[4 * (IPCSNOOP_DATA_MAX / 3 + 1) + 1];

		base64_encode(b64, sizeof(b64), e->data, e->data_len);
		ob_str(&ob, ",\"data\":\"");
		ob_str(&ob, b64);
		ob_mem(&ob, "\"", 1);
	}
	ob_mem(&ob, "}\n", 2);
	ob_flush(&ob);
}

void output_edge(struct output *o, const struct edge *e)
{
	if (o->quiet_events || o->write_failed)
		return;
	if (o->json)
		print_json(o, e);
	else
		print_text(o, e);
	if (ferror(o->out)) {
		o->write_failed = true;
		o->write_errno = errno;
	}
}

void output_flush(struct output *o)
{
	if (!o->write_failed && fflush(o->out) != 0) {
		o->write_failed = true;
		o->write_errno = errno;
	}
}
