/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Sinks for edges: aligned text lines or JSON lines. */
#ifndef IPCSNOOP_OUTPUT_H
#define IPCSNOOP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "edge.h"

struct output {
	FILE *out;
	bool json;
	bool relative_time;      /* -T: seconds since start instead of wall clock */
	bool quiet_events;       /* -s: summary only */
	__u64 start_ns;          /* CLOCK_MONOTONIC at start */
	long long real_minus_mono_ns;
	bool header_done;
	bool write_failed;       /* EPIPE or a full disk: stop writing */
	int write_errno;         /* why (EPIPE: the reader went away) */
};

void output_init(struct output *o, FILE *out, bool json, bool relative_time);
void output_edge(struct output *o, const struct edge *e);
/* Push buffered lines out; a failed write sets write_failed (the run then stops). */
void output_flush(struct output *o);

/* Formatting shared with other sinks */
void format_wall_time(const struct output *o, __u64 ts_ns, char *buf, size_t cap);
void format_iso_time(const struct output *o, __u64 ts_ns, char *buf, size_t cap);
void json_put_string(FILE *f, const void *s, size_t len);
void json_put_endpoint(FILE *f, const struct endpoint *ep);
void text_endpoint(const struct endpoint *ep, char *pid, size_t pcap, char *comm, size_t ccap);

#endif
