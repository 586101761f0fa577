/* The message queue container and the kernel's choice of message (sysv_queue.c). */
#include "unit.h"
#include "sysv_queue.h"

#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000

static struct sq_queue q;

/* A message from tgid, of type t and size 8; content identified by fp (0: unreadable). */
static void add(__u32 tgid, __s64 t, __u64 fp, __u64 enter, __u64 exit)
{
	struct sq_msg m = {
		.enter_ts = enter, .exit_ts = exit, .tgid = tgid, .tid = tgid, .known = true,
		.inflight = exit == 0, .type_ok = true, .type = t, .size = 8,
		.fp = { .hash = fp, .len = 8, .ok = fp != 0 },
	};

	CHECK(sq_push(&q, &m), "push");
}

static void reset(void)
{
	sq_free(&q);
}

/* A receive that saw nothing but its size (type and content unreadable). */
static struct sq_rcv blind(void)
{
	return (struct sq_rcv){ .bytes = 8 };
}

static struct sq_rcv saw(__s64 type, __u64 fp)
{
	return (struct sq_rcv){ .type_ok = true, .type = type, .bytes = 8,
				.fp = { .hash = fp, .len = 8, .ok = fp != 0 } };
}

static void msgtyp_zero_takes_the_oldest(void)
{
	struct sq_rcv r = blind();

	reset();
	add(1, 3, 0, 10, 11);
	add(2, 1, 0, 20, 21);
	CHECK_EQ_INT(sq_select_msg(&q, 0, 0, &r), 0);
}

static void msgtyp_positive_takes_the_first_of_that_type(void)
{
	struct sq_rcv r = blind();

	reset();
	add(1, 3, 0, 10, 11);
	add(2, 1, 0, 20, 21);
	add(3, 1, 0, 30, 31);
	CHECK_EQ_INT(sq_select_msg(&q, 1, 0, &r), 1);
	CHECK_EQ_INT(sq_select_msg(&q, 3, 0, &r), 0);
	CHECK_EQ_INT(sq_select_msg(&q, 7, 0, &r), -1);
}

static void msgtyp_negative_takes_the_lowest_type(void)
{
	struct sq_rcv r = blind();

	reset();
	add(1, 3, 0, 10, 11);
	add(2, 2, 0, 20, 21);
	add(3, 1, 0, 30, 31);
	add(4, 1, 0, 40, 41);
	CHECK_EQ_INT(sq_select_msg(&q, -2, 0, &r), 2);      /* type 1 beats the older type 2 */
	CHECK_EQ_INT(sq_select_msg(&q, -3, 0, &r), 2);
	sq_remove(&q, 3);
	sq_remove(&q, 2);
	CHECK_EQ_INT(sq_select_msg(&q, -2, 0, &r), 1);
	CHECK_EQ_INT(sq_select_msg(&q, -1, 0, &r), -1);
}

static void msg_except_skips_one_type(void)
{
	struct sq_rcv r = blind();

	reset();
	add(1, 3, 0, 10, 11);
	add(2, 3, 0, 20, 21);
	add(3, 2, 0, 30, 31);
	CHECK_EQ_INT(sq_select_msg(&q, 3, MSG_EXCEPT, &r), 2);
	CHECK_EQ_INT(sq_select_msg(&q, 2, MSG_EXCEPT, &r), 0);
}

static void type_read_back_from_the_buffer_decides(void)
{
	struct sq_rcv r = saw(2, 0);

	reset();
	add(1, 1, 0, 10, 11);
	add(2, 2, 0, 20, 21);
	/* msgtyp 0 would take the oldest, but the buffer says type 2 was received */
	CHECK_EQ_INT(sq_select_msg(&q, 0, 0, &r), 1);
}

static void fingerprint_tells_racing_senders_apart(void)
{
	struct sq_rcv r = saw(5, 0xbbb);

	reset();
	/* both in flight: their order in the kernel's queue is unknown */
	add(1, 5, 0xaaa, 10, 0);
	add(2, 5, 0xbbb, 11, 0);
	CHECK_EQ_INT(sq_select_msg(&q, 5, 0, &r), 1);
	CHECK(!sq_ambiguous(&q, 1), "different content is not ambiguous");
}

static void identical_concurrent_messages_are_ambiguous(void)
{
	reset();
	add(1, 5, 0xaaa, 10, 30);
	add(2, 5, 0xaaa, 20, 40);       /* entered before the first returned */
	CHECK(sq_ambiguous(&q, 0), "overlapping identical sends");
	reset();
	add(1, 5, 0xaaa, 10, 15);
	add(2, 5, 0xaaa, 20, 40);       /* entered after the first returned: order known */
	CHECK(!sq_ambiguous(&q, 0), "sequential identical sends");
	reset();
	add(1, 5, 0xaaa, 10, 30);
	add(1, 5, 0xaaa, 20, 40);       /* same process: same edge either way */
	CHECK(!sq_ambiguous(&q, 0), "same sender");
}

static void size_and_truncation(void)
{
	struct sq_rcv r = saw(1, 0);

	reset();
	add(1, 1, 0, 10, 11);           /* 8 bytes */
	r.bytes = 4;
	CHECK_EQ_INT(sq_select_msg(&q, 1, 0, &r), -1);      /* 4 bytes is not that message */
	r.may_truncate = true;          /* MSG_NOERROR with a 4-byte buffer */
	CHECK_EQ_INT(sq_select_msg(&q, 1, MSG_NOERROR, &r), 0);
}

static void stale_messages_are_dropped(void)
{
	struct sq_rcv r = saw(1, 0xccc);
	unsigned i;

	reset();
	add(1, 1, 0xaaa, 10, 11);       /* gone: its receive was not seen */
	add(2, 2, 0xbbb, 12, 13);       /* another type: stays */
	add(3, 1, 0xccc, 20, 21);
	i = sq_select_msg(&q, 1, 0, &r);
	CHECK_EQ_INT(i, 2);
	CHECK_EQ_INT(sq_drop_stale(&q, &i), 1);
	CHECK_EQ_INT(i, 1);
	CHECK_EQ_INT(q.n, 2);
	CHECK_EQ_INT(sq_at(&q, 0)->tgid, 2);
}

static void priority_order(void)
{
	struct sq_rcv r = blind();

	reset();
	add(1, 1, 0, 10, 11);
	add(2, 9, 0, 20, 21);
	add(3, 5, 0, 30, 31);
	add(4, 9, 0, 40, 41);
	CHECK_EQ_INT(sq_select_prio(&q, &r), 1);           /* highest priority, oldest first */
	sq_remove(&q, 1);
	CHECK_EQ_INT(sq_select_prio(&q, &r), 2);           /* the other 9 */
	sq_remove(&q, 2);
	CHECK_EQ_INT(sq_select_prio(&q, &r), 1);           /* 5 */
	sq_remove(&q, 1);
	CHECK_EQ_INT(sq_select_prio(&q, &r), 0);           /* 1 */
	r = saw(1, 0);
	CHECK_EQ_INT(sq_select_prio(&q, &r), 0);
	r = saw(9, 0);
	CHECK_EQ_INT(sq_select_prio(&q, &r), -1);
}

static void full_queue_forgets_the_oldest(void)
{
	reset();
	for (int i = 0; i < SQ_MAX_MSGS; i++)
		add(1, 1, 0, i + 1, i + 2);
	{
		struct sq_msg m = { .tgid = 2, .known = true, .type_ok = true, .type = 1, .size = 8 };

		CHECK(!sq_push(&q, &m), "a full queue says it forgot one");
	}
	CHECK_EQ_INT(q.n, SQ_MAX_MSGS);
	CHECK_EQ_INT(q.unknown, 1);
	CHECK_EQ_INT(sq_at(&q, 0)->enter_ts, 2);
	CHECK_EQ_INT(sq_at(&q, SQ_MAX_MSGS - 1)->tgid, 2);
	reset();
}

/* Random pushes and removals (head, middle, tail; stale drops) against a plain array. */
static void deque_matches_a_plain_array(void)
{
	static __u32 ref[SQ_MAX_MSGS];
	unsigned n = 0, seed = 12345, tag = 1;

	reset();
	for (int step = 0; step < 20000; step++) {
		unsigned r;

		seed = seed * 1103515245 + 12345;
		r = (seed >> 8) % 100;
		if (r < 55 && n < 300) {
			struct sq_msg m = { .tgid = tag, .known = true, .type_ok = true,
					    .type = tag % 3, .enter_ts = tag, .exit_ts = tag };

			sq_push(&q, &m);
			ref[n++] = tag++;
		} else if (n && r < 95) {
			unsigned i = r < 75 ? 0 : (seed >> 16) % n;

			sq_remove(&q, i);
			memmove(&ref[i], &ref[i + 1], (n - i - 1) * sizeof(ref[0]));
			n--;
		} else if (n) {
			unsigned i = (seed >> 16) % n, k = 0, j;
			__s64 t = sq_at(&q, i)->type;

			sq_drop_stale(&q, &i);
			for (j = 0; j < n; j++)     /* the reference: same type before i goes */
				if (j >= i + (n - q.n) || ref[j] % 3 != t)
					ref[k++] = ref[j];
			n = k;
			CHECK_EQ_INT(sq_at(&q, i)->type, t);
		}
		CHECK_EQ_INT(q.n, n);
		for (unsigned j = 0; j < n && j < q.n; j++)
			if (sq_at(&q, j)->tgid != ref[j]) {
				CHECK(0, "step %d: message %u is %u, want %u", step, j,
				      sq_at(&q, j)->tgid, ref[j]);
				reset();
				return;
			}
	}
	reset();
}

static void fingerprint_matches_the_kernel_side(void)
{
	struct sysv_fp fp;
	__u64 h = SYSV_FP_SEED;
	const char *s = "Hello";

	for (int i = 0; i < 5; i++) {
		h ^= (unsigned char)s[i];
		h *= SYSV_FP_PRIME;
	}
	sysv_fingerprint_bytes(&fp, s, 5);
	CHECK(fp.hash == h && fp.len == 5 && fp.ok, "FNV-1a of the bytes");
	{
		char big[100] = { 0 };
		struct sysv_fp a, b;

		sysv_fingerprint_bytes(&a, big, sizeof(big));
		big[SYSV_FP_LEN] = 1;           /* beyond what is hashed */
		sysv_fingerprint_bytes(&b, big, sizeof(big));
		CHECK(a.hash == b.hash && a.len == SYSV_FP_LEN, "only the first SYSV_FP_LEN bytes");
	}
}

RUN_TESTS(T(msgtyp_zero_takes_the_oldest), T(msgtyp_positive_takes_the_first_of_that_type),
	  T(msgtyp_negative_takes_the_lowest_type), T(msg_except_skips_one_type),
	  T(type_read_back_from_the_buffer_decides), T(fingerprint_tells_racing_senders_apart),
	  T(identical_concurrent_messages_are_ambiguous), T(size_and_truncation),
	  T(stale_messages_are_dropped), T(priority_order), T(full_queue_forgets_the_oldest), T(deque_matches_a_plain_array),
	  T(fingerprint_matches_the_kernel_side))
