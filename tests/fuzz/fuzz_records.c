/*
 * libFuzzer: a byte stream split into records (see records.h for the format)
 * through the correlator and every model, and the edges through every sink
 * (text, JSON, summary, DOT). Records are copied into buffers of exactly their
 * length, so a model reading past a record's size is caught by ASan.
 */
#include <stdint.h>
#include <stdio.h>
#include "records.h"
#include "dot.h"
#include "output.h"
#include "summary.h"

static FILE *devnull;
static struct output text_out, json_out;
static struct summary sum;

static void on_edge(void *ctx, const struct edge *e)
{
	output_edge(&text_out, e);
	output_edge(&json_out, e);
	summary_add(&sum, e);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull || summary_init(&sum))
		abort();
	output_init(&text_out, devnull, false, false);
	output_init(&json_out, devnull, true, true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct correlator c;
	struct loss_counts loss = {};
	size_t at = 0;
	FILE *dot;

	if (correlator_init(&c, on_edge, NULL))
		abort();
	while (at + 3 <= size) {
		unsigned op = data[at], len = data[at + 1] | data[at + 2] << 8;
		void *rec;

		at += 3;
		if (len > size - at)
			len = size - at;
		switch (op & 3) {
		case 0:
		case 1:
			rec = malloc(len ? len : 1);
			memcpy(rec, data + at, len);
			correlator_record(&c, rec, len);
			free(rec);
			break;
		case 2: {
			__u32 delta = 0;

			memcpy(&delta, data + at, len < 4 ? len : 4);
			correlator_tick(&c, c.last_ts_ns + delta);
			break;
		}
		case 3:
			correlator_flush(&c);
			break;
		}
		at += len;
	}
	correlator_flush(&c);
	memcpy(loss.gave_up, c.stats.gave_up, sizeof(loss.gave_up));
	memcpy(loss.evicted, c.stats.evicted, sizeof(loss.evicted));
	loss.malformed = c.stats.malformed;
	summary_print(&sum, &text_out, "total", 1.0, &loss);
	summary_print(&sum, &json_out, "total", 1.0, &loss);
	dot = fopen("/dev/null", "w");
	if (dot)
		dot_write(dot, "/dev/null", &sum);
	summary_reset(&sum);
	correlator_free(&c);
	return 0;
}
