/* The unix socket model and its names, on synthetic record streams. */
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include "collect.h"
#include "output.h"
#include "unix_model.h"
#include "unix_fixture.h"

#define MSG_PEEK_FLAG 2

static struct correlator corr;
static struct collected got;

static void setup(void)
{
	correlator_free(&corr);
	memset(&got, 0, sizeof(got));
	correlator_init(&corr, collect_edge, &got);
}

/* One copy record: receiver rtgid/rtid, sender how/tgid, sending socket, bytes, payload. */
static struct rec_unix_copy *copy_rec(__u64 ts, __u32 rtgid, __u32 rtid, __u32 how, __u32 stgid,
				      const char *scomm, const struct unix_sock_info *s, __u32 len,
				      const char *data, __u32 data_max, size_t *size)
{
	size_t sz = sizeof(struct rec_unix_copy) + (data_max ? IPCSNOOP_DATA_MAX : 0);
	struct rec_unix_copy *r = calloc(1, sz);

	make_header(&r->hdr, REC_UNIX_COPY, sz, ts, rtgid, rtid, "receiver");
	r->skb = 0xabc000 + ts;
	r->len = len;
	r->skb_len = len;
	r->sender_how = how;
	r->sender_tgid = stgid;
	r->sender_tid = stgid + 1;
	snprintf(r->sender_comm, sizeof(r->sender_comm), "%s", scomm);
	r->sender = *s;
	r->data_max = data_max;
	if (data_max && data) {
		r->data_len = strlen(data) < data_max ? strlen(data) : data_max;
		memcpy(r + 1, data, r->data_len);
	}
	*size = sz;
	return r;
}

static void copy(__u64 ts, __u32 rtgid, __u32 how, __u32 stgid, const char *scomm,
		 const struct unix_sock_info *s, __u32 len)
{
	size_t sz;
	struct rec_unix_copy *r = copy_rec(ts, rtgid, rtgid, how, stgid, scomm, s, len, NULL, 0, &sz);

	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
}

static void recv_done(__u64 ts, __u32 rtgid, int ret, int flags, const struct unix_sock_info *s)
{
	struct rec_unix_recv r;

	make_header(&r.hdr, REC_UNIX_RECV, sizeof(r), ts, rtgid, rtgid, "receiver");
	r.ret = ret;
	r.flags = flags;
	r.sock = *s;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static const char path[] = "/run/demo.sock";

static void stream_receive_is_one_exact_edge(void)
{
	struct unix_sock_info client = sock(0x1000, 0x2000, 501, STREAM, 0, NULL, 0);
	struct unix_sock_info server = sock(0x2000, 0x1000, 502, STREAM, UNIX_SOCK_ACCEPTED, path, sizeof(path));

	setup();
	copy(100, 20, UNIX_SENDER_TAG, 10, "client", &client, 13);
	CHECK_EQ_INT(got.n, 0);                 /* held until the receive returns */
	recv_done(110, 20, 13, 0, &server);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].kind, IPC_UNIX);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK_EQ_INT(got.edges[0].src.tid, 11);
	CHECK_EQ_STR(got.edges[0].src.comm, "client");
	CHECK_EQ_INT(got.edges[0].dst.pid, 20);
	CHECK_EQ_STR(got.edges[0].dst.comm, "receiver");
	CHECK_EQ_INT(got.edges[0].bytes, 13);
	CHECK(got.edges[0].has_bytes, "bytes");
	CHECK(!got.edges[0].inferred, "a tagged sender is exact");
	CHECK_EQ_STR(got.edges[0].object, path);
	CHECK_EQ_INT(got.edges[0].ts_ns, 100);
	CHECK_EQ_STR(attr_str(&got.edges[0], "server"), "dst");
	CHECK_EQ_STR(attr_str(&got.edges[0], "socket_type"), "stream");
	CHECK_EQ_INT(attr_int(&got.edges[0], "src_inode"), 501);
	CHECK_EQ_INT(attr_int(&got.edges[0], "dst_inode"), 502);
	CHECK_EQ_INT(attr_int(&got.edges[0], "messages"), 1);
	CHECK_EQ_INT(attr_int(&got.edges[0], "fds"), -1);     /* absent */
	CHECK_EQ_STR(got.edges[0].detail, "type=stream bytes=13 server=dst");
	/* the reply: the accepted socket sends, the server is the source */
	copy(200, 10, UNIX_SENDER_TAG, 20, "server", &server, 18);
	recv_done(210, 10, 18, 0, &client);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_STR(attr_str(&got.edges[1], "server"), "src");
	CHECK_EQ_STR(got.edges[1].object, path);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_UNIX], 0);
}

static void shared_socket_splits_by_real_sender(void)
{
	/* parent 10 and child 30 both send through socket 0x1000 (same skb->sk) */
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, STREAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, STREAM, 0, NULL, 0);

	setup();
	copy(100, 20, UNIX_SENDER_TAG, 10, "parent", &a, 11);
	copy(101, 20, UNIX_SENDER_TAG, 30, "child", &a, 15);
	copy(102, 20, UNIX_SENDER_TAG, 10, "parent", &a, 11);
	recv_done(103, 20, 37, 0, &b);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK_EQ_INT(got.edges[0].bytes, 22);
	CHECK_EQ_INT(attr_int(&got.edges[0], "messages"), 2);
	CHECK_EQ_INT(got.edges[1].src.pid, 30);
	CHECK_EQ_STR(got.edges[1].src.comm, "child");
	CHECK_EQ_INT(got.edges[1].bytes, 15);
	CHECK_EQ_STR(got.edges[0].object, "socketpair:[601]");   /* the lower inode */
	CHECK_EQ_STR(attr_str(&got.edges[0], "server"), "");     /* a pair has no server */
	CHECK_EQ_STR(got.edges[0].detail, "type=stream bytes=22");
}

static void receives_of_threads_do_not_mix(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, DGRAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, DGRAM, 0, NULL, 0);
	size_t sz;
	struct rec_unix_copy *r;

	setup();
	/* threads 20 and 21 of process 20 receive at the same time */
	r = copy_rec(100, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 5, NULL, 0, &sz);
	correlator_record(&corr, r, sz);
	free(r);
	r = copy_rec(101, 20, 21, UNIX_SENDER_TAG, 10, "s", &a, 7, NULL, 0, &sz);
	correlator_record(&corr, r, sz);
	free(r);
	recv_done(102, 20, 5, 0, &b);           /* tid 20 */
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].bytes, 5);
	CHECK_EQ_INT(got.edges[0].dst.tid, 20);
	correlator_flush(&corr);                /* tid 21 never returned: printed at the end */
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[1].bytes, 7);
	CHECK_EQ_INT(got.edges[1].dst.tid, 21);
	CHECK_EQ_STR(got.edges[1].object, "socket:[601]");       /* receiving socket unknown */
}

static void names_paths_abstract_and_unnamed(void)
{
	static const char abs_name[] = "\0ipc\0x\n";      /* NUL, NUL, newline: any byte */
	struct unix_sock_info s = sock(1, 0, 7, STREAM, 0, abs_name, sizeof(abs_name) - 1);
	struct unix_sock_info p = sock(2, 0, 8, STREAM, 0, "/tmp/a.sock\0junk", 16);
	struct unix_sock_info u = sock(3, 0, 9, STREAM, 0, NULL, 0);
	char buf[EDGE_OBJECT_LEN];
	size_t n;

	n = unix_addr_name(&s, buf, sizeof(buf));
	CHECK_EQ_INT(n, 7);
	CHECK(!memcmp(buf, "@ipc\0x\n", 7), "abstract name keeps its bytes");
	n = unix_addr_name(&p, buf, sizeof(buf));
	CHECK_EQ_INT(n, 11);
	CHECK(!memcmp(buf, "/tmp/a.sock", 11), "a path ends at its NUL");
	CHECK_EQ_INT(unix_addr_name(&u, buf, sizeof(buf)), 0);
	n = unix_object_name(&u, NULL, UNIX_SERVER_UNKNOWN, buf, sizeof(buf));
	CHECK_EQ_INT(n, strlen("socket:[9]"));
	CHECK_EQ_STR(buf, "socket:[9]");
	n = unix_object_name(&u, &p, UNIX_SERVER_UNKNOWN, buf, sizeof(buf));
	buf[n] = '\0';
	CHECK_EQ_STR(buf, "/tmp/a.sock");
	CHECK_EQ_STR(unix_type_name(5), "seqpacket");
	CHECK_EQ_STR(unix_type_name(2), "dgram");
	CHECK_EQ_STR(unix_type_name(3), "unknown");
}

static void abstract_object_prints_escaped(void)
{
	static const char abs_name[] = "\0ipc\0x\"";
	struct unix_sock_info srv = sock(0x2000, 0x1000, 502, SEQPACKET, UNIX_SOCK_ACCEPTED,
					 abs_name, sizeof(abs_name) - 1);
	struct unix_sock_info cli = sock(0x1000, 0x2000, 501, SEQPACKET, 0, NULL, 0);
	struct output o;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	setup();
	copy(100, 20, UNIX_SENDER_TAG, 10, "client", &cli, 3);
	recv_done(101, 20, 3, 0, &srv);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].object_len, 7);
	CHECK(!memcmp(got.edges[0].object, "@ipc\0x\"", 7), "object bytes");
	f = open_memstream(&text, &len);
	output_init(&o, f, true, false);
	output_edge(&o, &got.edges[0]);
	output_init(&o, f, false, false);
	output_edge(&o, &got.edges[0]);
	fclose(f);
	CHECK(strstr(text, "\"object\":\"@ipc\\u0000x\\\"\"") != NULL, "JSON escapes NUL: %s", text);
	CHECK(strstr(text, "@ipc\\x00x\"") != NULL, "text escapes NUL: %s", text);
	free(text);
}

static void server_end_rules(void)
{
	struct unix_sock_info lis = sock(1, 0, 1, STREAM, UNIX_SOCK_LISTENING, path, sizeof(path));
	struct unix_sock_info acc = sock(2, 3, 2, STREAM, UNIX_SOCK_ACCEPTED, path, sizeof(path));
	struct unix_sock_info cli = sock(3, 2, 3, STREAM, 0, "/c", 3);
	struct unix_sock_info dsrv = sock(4, 0, 4, DGRAM, 0, path, sizeof(path));
	struct unix_sock_info dcli = sock(5, 4, 5, DGRAM, 0, "\0cl", 3);   /* connect()ed to dsrv */
	struct unix_sock_info dgone = sock(5, 0, 0, DGRAM, 0, "\0cl", 3);  /* closed since */
	struct unix_sock_info p1 = sock(6, 7, 6, STREAM, 0, NULL, 0);
	struct unix_sock_info p2 = sock(7, 6, 7, STREAM, 0, NULL, 0);
	struct unix_sock_info p1closed = sock(6, 0, 0, STREAM, 0, NULL, 0);

	CHECK_EQ_INT(unix_server_end(&cli, &lis), UNIX_SERVER_DST);
	CHECK_EQ_INT(unix_server_end(&cli, &acc), UNIX_SERVER_DST);   /* both bound: accepted wins */
	CHECK_EQ_INT(unix_server_end(&acc, &cli), UNIX_SERVER_SRC);
	CHECK_EQ_INT(unix_server_end(&acc, NULL), UNIX_SERVER_SRC);
	CHECK_EQ_INT(unix_server_end(&dcli, &dsrv), UNIX_SERVER_DST);
	CHECK_EQ_INT(unix_server_end(&dsrv, &dcli), UNIX_SERVER_SRC);
	CHECK_EQ_INT(unix_server_end(&dgone, &dsrv), UNIX_SERVER_UNKNOWN); /* both named, no facts */
	CHECK_EQ_INT(unix_server_end(&p1, &p2), UNIX_SERVER_UNKNOWN);
	CHECK_EQ_INT(unix_server_end(&p1closed, &p2), UNIX_SERVER_UNKNOWN); /* not fooled by a closed end */
	CHECK_EQ_INT(unix_server_end(&p1, NULL), UNIX_SERVER_UNKNOWN);
	CHECK_EQ_STR(unix_server_name(UNIX_SERVER_SRC), "src");
	CHECK(unix_server_name(UNIX_SERVER_UNKNOWN) == NULL, "unknown has no name");
}

static void scm_rights_and_credentials(void)
{
	struct unix_sock_info cli = sock(0x1000, 0x2000, 501, SEQPACKET, 0, NULL, 0);
	struct unix_sock_info srv = sock(0x2000, 0x1000, 502, SEQPACKET, UNIX_SOCK_ACCEPTED, path, sizeof(path));
	struct rec_unix_copy *r;
	char kinds[96];
	__u32 k[UNIX_FDK_COUNT] = { 0 };
	size_t sz;

	k[UNIX_FDK_PIPE] = 2;
	k[UNIX_FDK_ANON] = 1;
	unix_fd_kinds_str(k, kinds, sizeof(kinds));
	CHECK_EQ_STR(kinds, "pipe:2,anon:1");
	setup();
	r = copy_rec(100, 20, 20, UNIX_SENDER_TAG, 10, "client", &cli, 3, NULL, 0, &sz);
	r->nfds = 3;
	r->fd_kinds[UNIX_FDK_PIPE] = 1;
	r->fd_kinds[UNIX_FDK_SOCKET] = 1;
	r->fd_kinds[UNIX_FDK_FILE] = 1;
	r->has_creds = 1;
	r->cred_pid = 10;
	r->cred_uid = 1000;
	r->cred_gid = 100;
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
	recv_done(101, 20, 3, 0, &srv);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(attr_int(&got.edges[0], "fds"), 3);
	CHECK_EQ_STR(attr_str(&got.edges[0], "fd_kinds"), "pipe:1,socket:1,file:1");
	CHECK_EQ_STR(attr_str(&got.edges[0], "creds"), "pid=10 uid=1000 gid=100");
	CHECK_EQ_STR(got.edges[0].detail,
		     "type=seqpacket bytes=3 server=dst fds=3(pipe:1,socket:1,file:1) creds=10/1000/100");
	CHECK(!got.edges[0].inferred, "tagged: exact");
}

static void sender_from_credentials_or_unknown(void)
{
	struct unix_sock_info cli = sock(0x1000, 0, 501, DGRAM, 0, NULL, 0);
	struct unix_sock_info srv = sock(0x2000, 0, 502, DGRAM, 0, path, sizeof(path));

	setup();
	copy(100, 20, UNIX_SENDER_CREDS, 10, "client", &cli, 4);
	copy(101, 20, UNIX_SENDER_UNKNOWN, 0, "", &cli, 6);
	recv_done(102, 20, 10, 0, &srv);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK(got.edges[0].inferred, "credentials are claimed by the sender");
	CHECK_EQ_STR(attr_str(&got.edges[0], "paired_by"), "credentials");
	CHECK(!got.edges[1].src.known, "no tag, no credentials: unknown sender");
	CHECK(got.edges[1].inferred, "unknown is not exact");
	CHECK_EQ_STR(attr_str(&got.edges[1], "paired_by"), "none");
	CHECK_EQ_INT(got.edges[1].bytes, 6);
	CHECK_EQ_STR(got.edges[1].detail, "type=dgram bytes=6 server=dst sender=unknown");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_UNIX], 1);
}

static void late(__u64 ts, __u32 sender, __u64 skb, __u32 rx_tid)
{
	struct rec_unix_late r;

	make_header(&r.hdr, REC_UNIX_LATE, sizeof(r), ts, sender, sender, "latecomer");
	r.skb = skb;
	r.rx_tid = rx_tid;
	r.len = 5;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void waiting_copy(__u64 ts, __u32 rtgid, const struct unix_sock_info *s, __u32 len)
{
	size_t sz;
	struct rec_unix_copy *r = copy_rec(ts, rtgid, rtgid, UNIX_SENDER_UNKNOWN, 0, "", s, len, NULL, 0, &sz);

	r->waiting = 1;
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
}

static void late_sender_names_itself(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, STREAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, STREAM, 0, NULL, 0);

	/* the receiver copied skb 0xabc000+100 before its sender's sk_data_ready */
	setup();
	waiting_copy(100, 20, &a, 5);
	recv_done(101, 20, 5, 0, &b);
	CHECK_EQ_INT(got.n, 0);                 /* held for the sender's late record */
	late(102, 10, 0xabc000 + 100, 20);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK_EQ_STR(got.edges[0].src.comm, "latecomer");
	CHECK(!got.edges[0].inferred, "named by its sender: exact");
	CHECK_EQ_STR(attr_str(&got.edges[0], "paired_by"), "late-tag");
	CHECK_EQ_INT(got.edges[0].bytes, 5);
	CHECK_EQ_STR(got.edges[0].object, "socketpair:[601]");
	/* the late record may come before the receive returns */
	waiting_copy(200, 20, &a, 5);
	late(201, 11, 0xabc000 + 200, 20);
	CHECK_EQ_INT(got.n, 1);
	recv_done(202, 20, 5, 0, &b);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[1].src.pid, 11);
	/* a late record for another thread or skb names nothing */
	waiting_copy(300, 20, &a, 5);
	recv_done(301, 20, 5, 0, &b);
	late(302, 12, 0xabc000 + 300, 99);
	late(303, 12, 0xabc000 + 299, 20);
	CHECK_EQ_INT(got.n, 2);
	/* no late record within hold_ns: unknown, counted */
	correlator_tick(&corr, 301 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 3);
	CHECK(!got.edges[2].src.known, "still unknown");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_UNIX], 1);
}

/* The tables fill from the front and their scans stop after the slots in use:
 * a slot freed in front of ones in use hides none of them from late records
 * or from time-outs. */
static void slots_behind_a_freed_one_are_reached(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, STREAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, STREAM, 0, NULL, 0);

	setup();
	waiting_copy(100, 20, &a, 5);           /* receive slot 0: thread 20 */
	waiting_copy(110, 21, &a, 5);           /* slot 1: thread 21 */
	waiting_copy(120, 22, &a, 5);           /* slot 2: thread 22 */
	recv_done(121, 20, 5, 0, &b);           /* slot 0 free, its group waits */
	late(130, 12, 0xabc000 + 120, 22);      /* two in use: still reaches slot 2 */
	recv_done(131, 22, 5, 0, &b);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 12);
	CHECK_EQ_INT(got.edges[0].dst.pid, 22);
	late(132, 10, 0xabc000 + 100, 20);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[1].src.pid, 10);
	CHECK_EQ_INT(got.edges[1].dst.pid, 20);
	/* wait slots 0 (thread 21) and 1 (thread 23); the first goes, the second is still found */
	recv_done(133, 21, 5, 0, &b);
	waiting_copy(140, 23, &a, 5);
	recv_done(141, 23, 5, 0, &b);
	late(142, 11, 0xabc000 + 110, 21);
	late(143, 13, 0xabc000 + 140, 23);
	CHECK_EQ_INT(got.n, 4);
	CHECK_EQ_INT(got.edges[2].src.pid, 11);
	CHECK_EQ_INT(got.edges[2].dst.pid, 21);
	CHECK_EQ_INT(got.edges[3].src.pid, 13);
	CHECK_EQ_INT(got.edges[3].dst.pid, 23);
	/* receive slot 0 freed in front of slot 1: slot 1 still times out */
	copy(200, 24, UNIX_SENDER_TAG, 14, "s", &a, 6);
	copy(210, 25, UNIX_SENDER_TAG, 15, "s", &a, 7);
	recv_done(211, 24, 6, 0, &b);
	CHECK_EQ_INT(got.n, 5);
	correlator_tick(&corr, 210 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 6);
	CHECK_EQ_INT(got.edges[5].src.pid, 15);
	CHECK_EQ_INT(got.edges[5].dst.pid, 25);
	CHECK_EQ_INT(got.edges[5].bytes, 7);
	CHECK_EQ_INT(corr.stats.evicted[IPC_UNIX], 0);
}

static void peek_and_failed_receives(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, DGRAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, DGRAM, 0, NULL, 0);

	setup();
	copy(100, 20, UNIX_SENDER_TAG, 10, "s", &a, 6);
	recv_done(101, 20, 6, MSG_PEEK_FLAG, &b);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(attr_int(&got.edges[0], "peek"), 1);
	CHECK(strstr(got.edges[0].detail, " peek") != NULL, "detail says peek");
	copy(102, 20, UNIX_SENDER_TAG, 10, "s", &a, 6);
	recv_done(103, 20, -14, 0, &b);         /* EFAULT: nothing was delivered */
	CHECK_EQ_INT(got.n, 1);
	recv_done(104, 20, 0, 0, &b);           /* a recv without copies: nothing */
	CHECK_EQ_INT(got.n, 1);
}

static void payload_is_joined_and_capped(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 601, STREAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 602, STREAM, 0, NULL, 0);
	struct rec_unix_copy *r;
	size_t sz;

	setup();
	/* -x 8: two skbs "abc" and "defghij" read at once: the first 8 bytes */
	r = copy_rec(100, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 3, "abc", 8, &sz);
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
	r = copy_rec(101, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 7, "defghij", 8, &sz);
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
	recv_done(102, 20, 10, 0, &b);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].bytes, 10);
	CHECK_EQ_INT(got.edges[0].data_len, 8);
	CHECK(got.edges[0].data && !memcmp(got.edges[0].data, "abcdefgh", 8), "joined payload");
	/* a piece captured short (not in the linear part) ends the payload: no gap is hidden */
	r = copy_rec(200, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 5, "", 8, &sz);
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
	r = copy_rec(201, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 3, "xyz", 8, &sz);
	CHECK_EQ_INT(correlator_record(&corr, r, sz), 0);
	free(r);
	recv_done(202, 20, 8, 0, &b);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[1].data_len, 0);
	CHECK(got.edges[1].data != NULL, "-x on: data present even if empty");
	/* without -x: no data at all */
	copy(300, 20, UNIX_SENDER_TAG, 10, "s", &a, 3);
	recv_done(301, 20, 3, 0, &b);
	CHECK(got.edges[2].data == NULL, "no -x, no data");
}

static void held_receive_times_out(void)
{
	struct unix_sock_info a = sock(0x1000, 0, 601, DGRAM, 0, NULL, 0);

	setup();
	copy(1000, 20, UNIX_SENDER_TAG, 10, "s", &a, 6);
	correlator_tick(&corr, 1000 + corr.hold_ns - 1);
	CHECK_EQ_INT(got.n, 0);
	correlator_tick(&corr, 1000 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].bytes, 6);
	recv_done(2000 + corr.hold_ns, 20, 6, 0, &a);   /* late: nothing more */
	CHECK_EQ_INT(got.n, 1);
}

static void full_tables_evict_without_loss(void)
{
	struct unix_sock_info a = sock(0x1000, 0, 601, DGRAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0, 602, DGRAM, 0, path, sizeof(path));

	setup();
	for (int i = 0; i < UNIX_PENDING_MAX + 3; i++)
		copy(100 + i, 1000 + i, UNIX_SENDER_TAG, 10, "s", &a, 1);
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_INT(corr.stats.evicted[IPC_UNIX], 3);
	CHECK_EQ_INT(got.edges[0].dst.pid, 1000);           /* the oldest went first */
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, UNIX_PENDING_MAX + 3);
	/* one receive from more senders than a receive holds */
	setup();
	for (int i = 0; i < UNIX_GROUPS_MAX + 1; i++)
		copy(100 + i, 20, UNIX_SENDER_TAG, 10 + i, "s", &a, 1);
	CHECK_EQ_INT(got.n, UNIX_GROUPS_MAX);
	recv_done(200, 20, UNIX_GROUPS_MAX + 1, 0, &b);
	CHECK_EQ_INT(got.n, UNIX_GROUPS_MAX + 1);
	CHECK_EQ_INT(got.edges[UNIX_GROUPS_MAX].src.pid, 10 + UNIX_GROUPS_MAX);
	CHECK_EQ_INT(corr.stats.evicted[IPC_UNIX], 1);
}

static void accept_is_a_connect_edge(void)
{
	struct rec_unix_accept r;

	setup();
	make_header(&r.hdr, REC_UNIX_ACCEPT, sizeof(r), 500, 20, 21, "server");
	r.client_tgid = 10;
	strcpy(r.client_comm, "client");
	r.server = sock(0x2000, 0x1000, 502, STREAM, UNIX_SOCK_ACCEPTED, path, sizeof(path));
	r.client = sock(0x1000, 0x2000, 501, STREAM, 0, NULL, 0);
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK_EQ_STR(got.edges[0].src.comm, "client");
	CHECK_EQ_INT(got.edges[0].dst.pid, 20);
	CHECK_EQ_INT(got.edges[0].dst.tid, 21);
	CHECK_EQ_STR(got.edges[0].object, path);
	CHECK(!got.edges[0].has_bytes, "a connection moves no bytes");
	CHECK_EQ_STR(attr_str(&got.edges[0], "event"), "connect");
	CHECK_EQ_STR(attr_str(&got.edges[0], "server"), "dst");
	CHECK_EQ_INT(attr_int(&got.edges[0], "src_inode"), 501);
	CHECK_EQ_STR(got.edges[0].detail, "connect->accept type=stream server=dst");
	r.client_tgid = 0;                      /* client gone: unknown, never invented */
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
	CHECK(!got.edges[1].src.known, "unknown client");
}

static void malformed_records_are_counted(void)
{
	struct unix_sock_info a = sock(0x1000, 0, 601, DGRAM, 0, NULL, 0);
	struct rec_unix_copy *r;
	struct rec_unix_recv rv;
	size_t sz;

	setup();
	r = copy_rec(100, 20, 20, UNIX_SENDER_TAG, 10, "s", &a, 1, NULL, 0, &sz);
	CHECK_EQ_INT(correlator_record(&corr, r, sz - 1), -1);       /* size */
	r->sender_how = 7;
	CHECK_EQ_INT(correlator_record(&corr, r, sz), -1);           /* how */
	r->sender_how = UNIX_SENDER_TAG;
	r->data_len = 1;
	CHECK_EQ_INT(correlator_record(&corr, r, sz), -1);           /* data without room */
	r->data_len = 0;
	r->sender.addr_len = IPCSNOOP_PATH_LEN + 1;
	CHECK_EQ_INT(correlator_record(&corr, r, sz), -1);           /* address too long */
	free(r);
	make_header(&rv.hdr, REC_UNIX_RECV, sizeof(rv), 1, 1, 1, "x");
	CHECK_EQ_INT(correlator_record(&corr, &rv, sizeof(rv) + 1), -1);
	rv.hdr.type = REC_UNIX_LAST;
	CHECK_EQ_INT(correlator_record(&corr, &rv, sizeof(rv)), -1);
	CHECK_EQ_INT(corr.stats.malformed, 6);
	CHECK_EQ_INT(got.n, 0);
}

RUN_TESTS(T(stream_receive_is_one_exact_edge), T(shared_socket_splits_by_real_sender),
	  T(receives_of_threads_do_not_mix), T(names_paths_abstract_and_unnamed),
	  T(abstract_object_prints_escaped), T(server_end_rules), T(scm_rights_and_credentials),
	  T(sender_from_credentials_or_unknown), T(late_sender_names_itself),
	  T(slots_behind_a_freed_one_are_reached),
	  T(peek_and_failed_receives),
	  T(payload_is_joined_and_capped), T(held_receive_times_out),
	  T(full_tables_evict_without_loss), T(accept_is_a_connect_edge),
	  T(malformed_records_are_counted))
