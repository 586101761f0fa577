/* A tiny unit-test harness: TEST() functions, CHECK() assertions, one PASS/FAIL line per test. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed_checks;

#define CHECK(cond, ...) do {                                              \
	if (!(cond)) {                                                     \
		printf("  check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
		unit_failed_checks++;                                      \
	}                                                                  \
} while (0)

#define CHECK_EQ_INT(a, b) CHECK((long long)(a) == (long long)(b), "%lld != %lld", \
				 (long long)(a), (long long)(b))
#define CHECK_EQ_STR(a, b) CHECK(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))

typedef void (*unit_fn)(void);
struct unit_test { const char *name; unit_fn fn; };

#define RUN_TESTS(...) int main(void)                                      \
{                                                                          \
	struct unit_test tests[] = { __VA_ARGS__ };                        \
	int failed = 0;                                                    \
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {   \
		int before = unit_failed_checks;                           \
		tests[i].fn();                                             \
		if (unit_failed_checks != before) {                        \
			printf("FAIL: %s\n", tests[i].name);               \
			failed++;                                          \
		} else {                                                   \
			printf("PASS: %s\n", tests[i].name);               \
		}                                                          \
	}                                                                  \
	return failed ? 1 : 0;                                             \
}
#define T(fn) { #fn, fn }

#endif
