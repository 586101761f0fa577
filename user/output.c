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

void format_iso_time(const struct output *o, __u64 ts_ns, char *buf, size_t cap)
{
	__u64 real = ts_ns + o->real_minus_mono_ns;
	time_t sec = real / 1000000000ull;
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(real % 1000000000ull));
}

void json_put_string(FILE *f, const void *s, size_t len)
{
	char buf[6 * 512 + 1];

	if (len > 512)
		len = 512;
	escape_json(buf, sizeof(buf), s, len);
	fputc('"', f);
	fputs(buf, f);
	fputc('"', f);
}

void json_put_endpoint(FILE *f, const struct endpoint *ep)
{
	fprintf(f, "{\"pid\":%u,\"tid\":%u,\"comm\":", ep->pid, ep->tid);
	json_put_string(f, ep->comm, strnlen(ep->comm, sizeof(ep->comm)));
	if (!ep->known)
		fputs(",\"known\":false", f);
	if (ep->start_ns)
		fprintf(f, ",\"start_mono_ns\":%llu", (unsigned long long)ep->start_ns);
	if (ep->ns_pid) {
		const char *cg = cgroup_path(ep->cgroup_id);

		fprintf(f, ",\"ns_pid\":%u", ep->ns_pid);
		if (cg) {
			fputs(",\"cgroup\":", f);
			json_put_string(f, cg, strlen(cg));
		}
	}
	fputc('}', f);
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
	char iso[48];
	FILE *f = o->out;

	format_iso_time(o, e->ts_ns, iso, sizeof(iso));
	fprintf(f, "{\"type\":\"edge\",\"time\":\"%s\",\"mono_ns\":%llu,\"kind\":\"%s\",\"src\":",
		iso, (unsigned long long)e->ts_ns, ipc_kind_name(e->kind));
	json_put_endpoint(f, &e->src);
	fputs(",\"dst\":", f);
	json_put_endpoint(f, &e->dst);
	fputs(",\"object\":", f);
	json_put_string(f, e->object, edge_object_len(e));
	if (e->has_bytes)
		fprintf(f, ",\"bytes\":%llu", (unsigned long long)e->bytes);
	fprintf(f, ",\"exact\":%s", e->inferred ? "false" : "true");
	if (e->solo)
		fputs(",\"solo\":true", f);
	for (int i = 0; i < e->nattrs; i++) {
		const struct edge_attr *a = &e->attrs[i];

		fprintf(f, ",\"%s\":", a->key);
		switch (a->type) {
		case ATTR_INT:
			fprintf(f, "%lld", a->num);
			break;
		case ATTR_BOOL:
			fputs(a->num ? "true" : "false", f);
			break;
		case ATTR_STR:
		case ATTR_BYTES:
			json_put_string(f, a->str, a->len);
			break;
		}
	}
	if (e->data) {
		char b64[4 * (IPCSNOOP_DATA_MAX / 3 + 1) + 1];

		base64_encode(b64, sizeof(b64), e->data, e->data_len);
		fprintf(f, ",\"data\":\"%s\"", b64);
	}
	fputs("}\n", f);
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
