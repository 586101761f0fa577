// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* unix: not implemented yet. */
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

const struct model_ops unix_model_ops = {
	.name = "unix",
	.kinds = 0,
	.rec_first = REC_UNIX_FIRST,
	.rec_last = REC_UNIX_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
};
