/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sysv: not implemented yet. Programs here are named sysv_<hook> (the loader enables them by -t). */
