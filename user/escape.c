// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "escape.h"

static size_t put(char *dst, size_t cap, size_t at, const char *s, size_t n)
{
	if (at + n >= cap)       /* keep room for the NUL; never split an escape */
		return 0;
	memcpy(dst + at, s, n);
	return n;
}

size_t escape_text(char *dst, size_t cap, const void *src, size_t len, int spaces_too)
{
	const unsigned char *s = src;
	size_t at = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		char buf[5];
		size_t n;

		if (c == '\\')
			n = put(dst, cap, at, "\\\\", 2);
		else if (c == '\n')
			n = put(dst, cap, at, "\\n", 2);
		else if (c == '\t')
			n = put(dst, cap, at, "\\t", 2);
		else if (c == '\r')
			n = put(dst, cap, at, "\\r", 2);
		else if (c < 0x20 || c >= 0x7f || (spaces_too && c == ' ')) {
			snprintf(buf, sizeof(buf), "\\x%02x", c);
			n = put(dst, cap, at, buf, 4);
		} else
			n = put(dst, cap, at, (const char *)&c, 1);
		if (!n)
			break;
		at += n;
	}
	dst[at] = '\0';
	return at;
}

size_t escape_json(char *dst, size_t cap, const void *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t at = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		char buf[6] = { '\\', 'u', '0', '0' };
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			/* the common case: a printable byte as it is (comms, paths) */
			if (at + 1 >= cap)
				break;
			dst[at++] = c;
			continue;
		}
		if (c == '"')
			n = put(dst, cap, at, "\\\"", 2);
		else if (c == '\\')
			n = put(dst, cap, at, "\\\\", 2);
		else {
			/* bytes >= 0x80 are not assumed to be UTF-8: U+0080..U+00FF */
			buf[4] = hex[c >> 4];
			buf[5] = hex[c & 15];
			n = put(dst, cap, at, buf, 6);
		}
		if (!n)
			break;
		at += n;
	}
	dst[at] = '\0';
	return at;
}

size_t base64_encode(char *dst, size_t cap, const void *src, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = src;
	size_t at = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = s[i] << 16;
		size_t left = len - i;

		if (at + 4 >= cap)
			break;
		if (left > 1)
			v |= s[i + 1] << 8;
		if (left > 2)
			v |= s[i + 2];
		dst[at++] = tab[(v >> 18) & 63];
		dst[at++] = tab[(v >> 12) & 63];
		dst[at++] = left > 1 ? tab[(v >> 6) & 63] : '=';
		dst[at++] = left > 2 ? tab[v & 63] : '=';
	}
	dst[at] = '\0';
	return at;
}
