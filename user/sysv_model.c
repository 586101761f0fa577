// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sysv: not implemented yet. */
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

const struct model_ops sysv_model_ops = {
	.name = "sysv",
	.kinds = 0,
	.rec_first = REC_SYSV_FIRST,
	.rec_last = REC_SYSV_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
};
