/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pipe: not implemented yet. Programs here are named pipe_<hook> (the loader enables them by -t). */
