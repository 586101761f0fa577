/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Untrusted bytes (comms, paths, payloads) made safe for output.
 * Both functions always NUL-terminate dst (cap > 0) and never split an escape.
 */
#ifndef IPCSNOOP_ESCAPE_H
#define IPCSNOOP_ESCAPE_H

#include <stddef.h>

/* Text: printable ASCII as is; '\\', controls, DEL and bytes >= 0x80 as \xHH
 * (\n \t \r \\ spelled as such); spaces kept unless spaces_too (for columns). */
size_t escape_text(char *dst, size_t cap, const void *src, size_t len, int spaces_too);

/* JSON string body (no quotes): '"' '\\' and every byte < 0x20 or >= 0x7f
 * escaped as \uXXXX, so the output is valid JSON whatever the input bytes. */
size_t escape_json(char *dst, size_t cap, const void *src, size_t len);

/* Standard base64 of src into dst (NUL-terminated, truncated to whole quanta). */
size_t base64_encode(char *dst, size_t cap, const void *src, size_t len);

#endif
