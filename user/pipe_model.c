// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pipe: not implemented yet. */
#include <stdlib.h>
#include "correlator.h"
#include "model.h"

static void *create(struct correlator *c)
{
	return c;
}

static void destroy(void *m)
{
}

static int record(void *m, const struct rec_header *h, size_t len)
{
	return -1;
}

const struct model_ops pipe_model_ops = {
	.name = "pipe",
	.kinds = 0,
	.rec_first = REC_PIPE_FIRST,
	.rec_last = REC_PIPE_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
};
