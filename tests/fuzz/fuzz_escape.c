/*
 * libFuzzer: the escape functions. Whatever the bytes and the buffer size,
 * the result is NUL-terminated inside the buffer, holds only printable ASCII,
 * never splits an escape, and, given room, decodes back to the input.
 * Input: [cap:u8][spaces:u8][bytes...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"

#define MAX_IN 1024

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void check_printable(const char *s, size_t n, size_t cap)
{
	if (n >= cap || s[n] != '\0' || strlen(s) != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

/* Decode escape_text's output; returns the length or -1 on a bad escape. */
static long unescape_text(const char *s, unsigned char *out)
{
	long n = 0;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '\\': out[n++] = '\\'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'r': out[n++] = '\r'; s++; break;
		case 'x':
			if (hex(s[1]) < 0 || hex(s[2]) < 0)
				return -1;
			out[n++] = hex(s[1]) << 4 | hex(s[2]);
			s += 3;
			break;
		default:
			return -1;
		}
	}
	return n;
}

static long unescape_json(const char *s, unsigned char *out)
{
	long n = 0;

	while (*s) {
		if (*s == '"')
			return -1;     /* a raw quote would end the JSON string */
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		if (*s == '"' || *s == '\\') {
			out[n++] = *s++;
		} else if (*s == 'u' && s[1] == '0' && s[2] == '0' && hex(s[3]) >= 0 && hex(s[4]) >= 0) {
			out[n++] = hex(s[3]) << 4 | hex(s[4]);
			s += 5;
		} else {
			return -1;
		}
	}
	return n;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static long unbase64(const char *s, unsigned char *out)
{
	long n = 0;
	size_t len = strlen(s);

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		unsigned v = 0;
		int pad = 0;

		for (int k = 0; k < 4; k++) {
			const char *p = strchr(b64, s[i + k]);

			if (s[i + k] == '=' && k >= 2) {
				pad++;
				v <<= 6;
			} else if (p && s[i + k] && !pad) {
				v = v << 6 | (unsigned)(p - b64);
			} else {
				return -1;
			}
		}
		out[n++] = v >> 16;
		if (pad < 2)
			out[n++] = v >> 8;
		if (pad < 1)
			out[n++] = v;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[6 * MAX_IN + 8];
	static unsigned char back[MAX_IN * 2];
	size_t cap, len, n;
	int spaces;
	long m;

	if (size < 2)
		return 0;
	cap = data[0] == 255 ? sizeof(out) : data[0] + 1u;
	spaces = data[1] & 1;
	data += 2;
	len = size - 2 > MAX_IN ? MAX_IN : size - 2;

	n = escape_text(out, cap, data, len, spaces);
	check_printable(out, n, cap);
	m = unescape_text(out, back);
	if (m < 0 || (size_t)m > len || memcmp(back, data, m))
		abort();        /* a prefix of the input, whole escapes only */
	if (spaces && strchr(out, ' '))
		abort();
	if (cap == sizeof(out) && (size_t)m != len)
		abort();

	n = escape_json(out, cap, data, len);
	check_printable(out, n, cap);
	m = unescape_json(out, back);
	if (m < 0 || (size_t)m > len || memcmp(back, data, m))
		abort();
	if (cap == sizeof(out) && (size_t)m != len)
		abort();

	n = base64_encode(out, cap, data, len);
	check_printable(out, n, cap);
	m = unbase64(out, back);
	if (m < 0 || (size_t)m > len || memcmp(back, data, m))
		abort();
	if (cap == sizeof(out) && (size_t)m != len)
		abort();
	return 0;
}
