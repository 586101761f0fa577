/* The JSON sink: exact bytes (the buffered writer must print what printf did). */
#include <limits.h>
#include <stdlib.h>
#include "unit.h"
#include "output.h"

/* Printed by the printf-based sink this replaced (the same edges). */
#define EXPECT_FULL \
	"{\"type\":\"edge\",\"time\":\"2025-11-24T16:02:03.456789012Z\",\"mono_ns\":123456789012,\"kind\":\"pipe\",\"src\":{\"pid\":4294967295,\"tid\":7,\"comm\":\"a\\\"b\\\\c\\u0001\\u007f\\u00c3\",\"start_mono_ns\":18446744073709551615,\"ns_pid\":3},\"dst\":{\"pid\":9,\"tid\":10,\"comm\":\"dst\",\"known\":false},\"object\":\"pipe:[1]\\u0000x\",\"bytes\":0,\"exact\":false,\"solo\":true,\"min\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0,\"neg\":-42,\"yes\":true,\"no\":false,\"str\":\"tab\\u0009here\",\"data\":\"AAFoZWxsb/8=\"}\n"
#define EXPECT_PLAIN \
	"{\"type\":\"edge\",\"time\":\"2025-11-24T16:00:00.999999999Z\",\"mono_ns\":999999999,\"kind\":\"signal\",\"src\":{\"pid\":1,\"tid\":1,\"comm\":\"init\"},\"dst\":{\"pid\":0,\"tid\":0,\"comm\":\"\"},\"object\":\"SIGHUP\",\"exact\":true}\n"
#define EXPECT_LONG \
	"{\"type\":\"edge\",\"time\":\"2025-11-24T16:00:00.000000001Z\",\"mono_ns\":1,\"kind\":\"unix\",\"src\":{\"pid\":2,\"tid\":2,\"comm\":\"x\"},\"dst\":{\"pid\":3,\"tid\":3,\"comm\":\"y\"},\"object\":\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\",\"exact\":true}\n"

/* Print e as a JSON line into a string (caller frees). */
static char *json_line(const struct edge *e)
{
	struct output o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	output_init(&o, f, true, false);
	o.real_minus_mono_ns = 1764000000000000000ll;   /* 2025-11-24T16:00:00Z at mono 0 */
	output_edge(&o, e);
	fclose(f);
	return buf;
}

static void full_edge(void)
{
	static const unsigned char data[] = "\x00\x01hello\xff";
	struct edge e;
	char *s;

	edge_init(&e, IPC_PIPE, 123456789012ull);
	endpoint_set(&e.src, 4294967295u, 7, "a\"b\\c\x01\x7f\xc3");
	e.src.start_ns = 18446744073709551615ull;
	e.src.ns_pid = 3;
	endpoint_set(&e.dst, 9, 10, "dst");
	e.dst.known = false;
	edge_set_object_bytes(&e, "pipe:[1]\0x", 10);
	e.has_bytes = true;
	e.bytes = 0;
	e.inferred = true;
	e.solo = true;
	edge_attr_int(&e, "min", LLONG_MIN);
	edge_attr_int(&e, "max", LLONG_MAX);
	edge_attr_int(&e, "zero", 0);
	edge_attr_int(&e, "neg", -42);
	edge_attr_bool(&e, "yes", true);
	edge_attr_bool(&e, "no", false);
	edge_attr_str(&e, "str", "tab\there");
	e.data = data;
	e.data_len = sizeof(data) - 1;
	s = json_line(&e);
	CHECK_EQ_STR(s, EXPECT_FULL);
	free(s);
}

static void plain_edge(void)
{
	struct edge e;
	char *s;

	edge_init(&e, IPC_SIGNAL, 999999999ull);
	endpoint_set(&e.src, 1, 1, "init");
	endpoint_set(&e.dst, 0, 0, "");
	edge_set_object(&e, "SIGHUP");
	s = json_line(&e);
	CHECK_EQ_STR(s, EXPECT_PLAIN);
	free(s);
}

static void long_strings_truncate_alike(void)
{
	char comm[600];
	struct edge e;
	char *s;

	memset(comm, '"', sizeof(comm));
	edge_init(&e, IPC_UNIX, 1);
	endpoint_set(&e.src, 2, 2, "x");
	endpoint_set(&e.dst, 3, 3, "y");
	edge_set_object_bytes(&e, comm, sizeof(comm));
	s = json_line(&e);
	CHECK_EQ_STR(s, EXPECT_LONG);
	free(s);
}

/* Numbers are printed two digits at a time: every digit count, and its edges. */
static void numbers_like_printf(void)
{
	unsigned long long p = 1;

	for (int k = 0; k <= 20; k++, p *= 10) {
		unsigned long long vs[] = { p, p - 1, p + 1, p * 5 + 7 };

		for (int j = 0; j < 4; j++) {
			char want[64];
			struct edge e;
			char *s;

			edge_init(&e, IPC_PIPE, vs[j]);
			endpoint_set(&e.src, 1, 1, "a");
			endpoint_set(&e.dst, 2, 2, "b");
			edge_set_object(&e, "o");
			e.has_bytes = true;
			e.bytes = vs[j];
			s = json_line(&e);
			snprintf(want, sizeof(want), "\"mono_ns\":%llu,", vs[j]);
			CHECK(strstr(s, want) != NULL, "%s in %s", want, s);
			snprintf(want, sizeof(want), "\"bytes\":%llu,", vs[j]);
			CHECK(strstr(s, want) != NULL, "%s in %s", want, s);
			free(s);
		}
	}
}

RUN_TESTS(T(full_edge), T(plain_edge), T(long_strings_truncate_alike), T(numbers_like_printf))
