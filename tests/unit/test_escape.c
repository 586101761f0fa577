/* Untrusted bytes made safe: text and JSON escaping, base64. */
#include "unit.h"
#include "escape.h"

static void text_controls(void)
{
	char out[64];

	escape_text(out, sizeof(out), "a\nb\x1b[31m\\", 9, 0);
	CHECK_EQ_STR(out, "a\\nb\\x1b[31m\\\\");
	escape_text(out, sizeof(out), "my comm", 7, 1);
	CHECK_EQ_STR(out, "my\\x20comm");
	escape_text(out, sizeof(out), "\xff\x7f", 2, 0);
	CHECK_EQ_STR(out, "\\xff\\x7f");
}

static void text_truncates_whole_escapes(void)
{
	char out[6];

	escape_text(out, sizeof(out), "ab\x01\x02", 4, 0);
	CHECK_EQ_STR(out, "ab");      /* "\x01" does not fit after "ab" with the NUL */
}

static void json_quote_cannot_break_out(void)
{
	char out[64];

	escape_json(out, sizeof(out), "x\",\"evil\":1", 11);
	CHECK_EQ_STR(out, "x\\\",\\\"evil\\\":1");
}

/* Every byte as the printf-based escaper wrote it, and whole escapes only. */
static void json_exact_bytes(void)
{
	char out[16], want[8];

	for (int c = 0; c < 256; c++) {
		unsigned char b = (unsigned char)c;

		escape_json(out, sizeof(out), &b, 1);
		if (c == '"')
			snprintf(want, sizeof(want), "\\\"");
		else if (c == '\\')
			snprintf(want, sizeof(want), "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			snprintf(want, sizeof(want), "\\u%04x", c);
		else
			snprintf(want, sizeof(want), "%c", c);
		CHECK_EQ_STR(out, want);
	}
	escape_json(out, 8, "ab\x01", 3);
	CHECK_EQ_STR(out, "ab");       /* "\u0001" does not fit after "ab" with the NUL */
	escape_json(out, 4, "abcdef", 6);
	CHECK_EQ_STR(out, "abc");
	escape_json(out, 4, "ab\"", 3);
	CHECK_EQ_STR(out, "ab");
}

static void base64_vectors(void)
{
	char out[32];

	base64_encode(out, sizeof(out), "", 0);
	CHECK_EQ_STR(out, "");
	base64_encode(out, sizeof(out), "f", 1);
	CHECK_EQ_STR(out, "Zg==");
	base64_encode(out, sizeof(out), "fo", 2);
	CHECK_EQ_STR(out, "Zm8=");
	base64_encode(out, sizeof(out), "foobar", 6);
	CHECK_EQ_STR(out, "Zm9vYmFy");
}

RUN_TESTS(T(json_exact_bytes), T(text_controls), T(text_truncates_whole_escapes),
	  T(json_quote_cannot_break_out), T(base64_vectors))
