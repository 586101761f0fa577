// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "model.h"

const struct model_ops *const all_models[MODEL_COUNT] = {
	&signal_model_ops,
	&pipe_model_ops,
	&unix_model_ops,
	&sysv_model_ops,
};
