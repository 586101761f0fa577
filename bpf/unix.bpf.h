/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* unix: not implemented yet. Programs here are named unix_<hook> (the loader enables them by -t). */
