/* test_etcd_kv — lib/etcd KV and transactions against a real etcd 3.4 server.
 *
 * One etcd member (tests/support/etcd_harness) for the whole suite; each test uses its
 * own key prefix. Covers put/get/range (prefix, pagination at a fixed revision,
 * historical reads), delete, transactions with compares and nested ops, the 128-op
 * limit (client-side refusal, server-side refusal, automatic splitting by count and
 * by bytes, guard compares repeated per part), the request size limit and the
 * compacted / future revision errors, all as typed errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

static struct etcd_harness h;
static uv_loop_t loop;
static etcd_client *c;

static void setup(void)
{
	int rc = etcd_harness_start(NULL, &h);

	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	uv_loop_init(&loop);
	c = test_client(&loop, h.endpoints, NULL);
	ck_assert_ptr_nonnull(c);
}

static void teardown(void)
{
	ck_assert_int_eq(test_client_close(&loop, c), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	etcd_harness_stop(&h);
}

static void put_ok(const char *key, const char *value)
{
	struct sync_result r = { 0 };

	ck_assert_int_eq(etcd_put(c, key, value, strlen(value), NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s", key, r.msg);
	sync_clear(&r);
}

START_TEST(put_get_roundtrip)
{
	struct sync_result r = { 0 };
	struct etcd_put_opts po = { .prev_kv = true };
	const char v[] = "{\"a\":1}";

	put_ok("/t/kv/a", "first");
	ck_assert_int_eq(etcd_put(c, "/t/kv/a", v, strlen(v), &po, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_str_eq(r.prev_value, "first");
	ck_assert_int_gt(r.revision, 1);
	sync_clear(&r);

	ck_assert_int_eq(etcd_get(c, "/t/kv/a", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_uint_eq(r.n_kvs, 1);
	ck_assert_str_eq(r.keys[0], "/t/kv/a");
	ck_assert_str_eq(r.values[0], v);
	sync_clear(&r);

	ck_assert_int_eq(etcd_get(c, "/t/kv/missing", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(r.msg, "/t/kv/missing"));
	sync_clear(&r);

	/* empty value survives (etcd omits it in JSON) */
	put_ok("/t/kv/empty", "");
	ck_assert_int_eq(etcd_get(c, "/t/kv/empty", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_str_eq(r.values[0], "");
	sync_clear(&r);

	ck_assert_int_eq(etcd_put(c, "", "x", 1, NULL, sync_cb, &r), -EINVAL);
	ck_assert(!r.done);
}
END_TEST

START_TEST(range_prefix_paginated_fixed_revision)
{
	struct sync_result all = { 0 }, paged = { 0 }, old = { 0 };
	struct etcd_range_opts ro = { .prefix = true };
	etcd_txn *t = etcd_txn_new();
	etcd_client *serial;
	char key[64], val[64];
	int64_t rev;
	size_t i;

	for (i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "/t/pg/%04zu", i);
		snprintf(val, sizeof(val), "v%zu", i);
		ck_assert_int_eq(etcd_txn_put(t, ETCD_SUCCESS, key, val, strlen(val), 0), 0);
	}
	put_ok("/t/pg0", "outside the prefix");
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_SPLIT, sync_cb, &all), 0);
	ck_assert(sync_wait(&loop, &all, 10000));
	ck_assert_msg(all.code == ETCD_OK, "%s", all.msg);
	ck_assert_uint_eq(all.n_txns, 3); /* 128 + 128 + 44 */
	rev = all.revision;
	sync_clear(&all);

	ck_assert_int_eq(etcd_range(c, "/t/pg/", &ro, sync_cb, &all), 0);
	ck_assert(sync_wait(&loop, &all, 5000));
	ck_assert_int_eq(all.code, ETCD_OK);
	ck_assert_uint_eq(all.n_kvs, 300);
	ck_assert_int_eq(all.count, 300);

	/* Pages of 7, while the keys keep changing: every page is read at the revision of
	 * the first, so the joined result is exactly the state at that revision. One
	 * request on the wire at a time makes the interleaving deterministic: the put is
	 * queued while page 1 is out, so it lands between page 1 and page 2. */
	serial = test_client(&loop, h.endpoints, &(struct etcd_client_opts){ .max_inflight = 1 });
	ro.page_size = 7;
	ck_assert_int_eq(etcd_range(serial, "/t/pg/", &ro, sync_cb, &paged), 0);
	ck_assert_int_eq(etcd_put(serial, "/t/pg/0150", "changed during paging", 21, NULL,
				  sync_cb, &old), 0);
	ck_assert(sync_wait(&loop, &paged, 10000));
	ck_assert(sync_wait(&loop, &old, 10000));
	ck_assert_int_eq(old.code, ETCD_OK);
	ck_assert_int_gt(old.revision, paged.revision); /* the put came after page 1 */
	sync_clear(&old);
	ck_assert_int_eq(test_client_close(&loop, serial), 0);
	ck_assert_msg(paged.code == ETCD_OK, "%s", paged.msg);
	ck_assert_uint_eq(paged.n_kvs, 300);
	for (i = 0; i < 300; i++) {
		ck_assert_str_eq(paged.keys[i], all.keys[i]);
		ck_assert_str_eq(paged.values[i], all.values[i]);
	}
	ck_assert_str_eq(paged.values[150], "v150");

	/* historical read */
	ro.page_size = 0;
	ro.revision = rev;
	ck_assert_int_eq(etcd_range(c, "/t/pg/0150", &(struct etcd_range_opts){ .revision = rev },
				    sync_cb, &old), 0);
	ck_assert(sync_wait(&loop, &old, 5000));
	ck_assert_int_eq(old.code, ETCD_OK);
	ck_assert_str_eq(old.values[0], "v150");
	sync_clear(&old);

	/* limit without paging reports "more" */
	ck_assert_int_eq(etcd_range(c, "/t/pg/", &(struct etcd_range_opts){ .prefix = true,
									  .limit = 10 },
				    sync_cb, &old), 0);
	ck_assert(sync_wait(&loop, &old, 5000));
	ck_assert_uint_eq(old.n_kvs, 10);
	ck_assert(old.more);
	ck_assert_int_eq(old.count, 300);
	sync_clear(&old);
	sync_clear(&all);
	sync_clear(&paged);
}
END_TEST

START_TEST(delete_prefix)
{
	struct sync_result r = { 0 };

	put_ok("/t/del/a", "1");
	put_ok("/t/del/b", "2");
	put_ok("/t/del/c", "3");
	put_ok("/t/dela", "not under the prefix");
	ck_assert_int_eq(etcd_delete(c, "/t/del/b", false, true, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_int_eq(r.deleted, 1);
	ck_assert_str_eq(r.prev_value, "2");
	sync_clear(&r);
	ck_assert_int_eq(etcd_delete(c, "/t/del/", true, false, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.deleted, 2);
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(c, "/t/dela", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	sync_clear(&r);
}
END_TEST

START_TEST(txn_compare_branches_nested)
{
	struct sync_result r = { 0 };
	etcd_txn *t, *child;

	/* create-if-absent */
	t = etcd_txn_new();
	etcd_txn_compare(t, "/t/txn/lsp", ETCD_CMP_VERSION, ETCD_CMP_EQUAL, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/t/txn/lsp", "seq=5", 5, 0);
	etcd_txn_range(t, ETCD_FAILURE, "/t/txn/lsp", false);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert(r.succeeded);
	ck_assert_uint_eq(r.n_txns, 1);
	sync_clear(&r);

	/* again: compare fails, the failure branch's range comes back */
	t = etcd_txn_new();
	etcd_txn_compare(t, "/t/txn/lsp", ETCD_CMP_VERSION, ETCD_CMP_EQUAL, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/t/txn/lsp", "seq=4", 5, 0);
	etcd_txn_range(t, ETCD_FAILURE, "/t/txn/lsp", false);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_COMPARE_FAILED);
	ck_assert(!r.succeeded);
	ck_assert_uint_eq(r.n_responses, 1);
	ck_assert_uint_eq(r.first_response_kvs, 1);
	sync_clear(&r);

	/* value compare + nested txn */
	t = etcd_txn_new();
	child = etcd_txn_new();
	etcd_txn_compare(child, "/t/txn/other", ETCD_CMP_CREATE, ETCD_CMP_EQUAL, 0);
	etcd_txn_put(child, ETCD_SUCCESS, "/t/txn/other", "nested", 6, 0);
	etcd_txn_compare_value(t, "/t/txn/lsp", ETCD_CMP_EQUAL, "seq=5", 5);
	etcd_txn_nested(t, ETCD_SUCCESS, child);
	etcd_txn_delete(t, ETCD_SUCCESS, "/t/txn/lsp", false);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_msg(r.code == ETCD_OK, "%s", r.msg);
	ck_assert_uint_eq(r.n_responses, 2);
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(c, "/t/txn/other", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_str_eq(r.values[0], "nested");
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(c, "/t/txn/lsp", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_NOT_FOUND);
	sync_clear(&r);
}
END_TEST

static etcd_txn *many_puts(const char *prefix, size_t n)
{
	etcd_txn *t = etcd_txn_new();
	char key[64];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%04zu", prefix, i);
		etcd_txn_put(t, ETCD_SUCCESS, key, "x", 1, 0);
	}
	return t;
}

static int64_t count_prefix(const char *prefix)
{
	struct sync_result r = { 0 };
	struct etcd_range_opts ro = { .prefix = true, .count_only = true };
	int64_t n;

	ck_assert_int_eq(etcd_range(c, prefix, &ro, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	n = r.count;
	sync_clear(&r);
	return n;
}

START_TEST(txn_over_128_ops)
{
	struct sync_result r = { 0 };
	struct etcd_client_opts lax = { .max_txn_ops = 1000 };
	etcd_client *c2;
	etcd_txn *t;

	/* atomic: refused before sending, nothing written */
	ck_assert_int_eq(etcd_txn_commit(c, many_puts("/t/big/a/", 129), ETCD_TXN_ATOMIC,
					 sync_cb, &r), 0);
	ck_assert(!r.done); /* never called back from inside the call */
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_TOO_MANY_OPS);
	ck_assert_ptr_nonnull(strstr(r.msg, "129"));
	sync_clear(&r);
	ck_assert_int_eq(count_prefix("/t/big/a/"), 0);

	/* the server's own refusal is typed the same */
	c2 = test_client(&loop, h.endpoints, &lax);
	ck_assert_int_eq(etcd_txn_commit(c2, many_puts("/t/big/b/", 200), ETCD_TXN_ATOMIC,
					 sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_TOO_MANY_OPS);
	sync_clear(&r);
	ck_assert_int_eq(test_client_close(&loop, c2), 0);

	/* split: 200 ops -> 2 transactions, all written */
	ck_assert_int_eq(etcd_txn_commit(c, many_puts("/t/big/c/", 200), ETCD_TXN_SPLIT,
					 sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_uint_eq(r.n_txns, 2);
	ck_assert_uint_eq(r.n_responses, 200);
	sync_clear(&r);
	ck_assert_int_eq(count_prefix("/t/big/c/"), 200);

	/* split with a guard that fails: nothing written, reported as compare failure */
	t = many_puts("/t/big/d/", 300);
	etcd_txn_compare(t, "/t/big/leader", ETCD_CMP_CREATE, ETCD_CMP_EQUAL, 12345);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_SPLIT, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_COMPARE_FAILED);
	ck_assert_uint_eq(r.n_txns, 0);
	sync_clear(&r);
	ck_assert_int_eq(count_prefix("/t/big/d/"), 0);

	/* split with a failure branch is refused */
	t = many_puts("/t/big/e/", 300);
	etcd_txn_put(t, ETCD_FAILURE, "/t/big/e-failed", "1", 1, 0);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_SPLIT, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_INVALID);
	sync_clear(&r);
}
END_TEST

START_TEST(split_by_bytes_and_too_large)
{
	struct sync_result r = { 0 };
	size_t big = 400 * 1024, i;
	char *v = malloc(2300000), key[64];
	etcd_txn *t = etcd_txn_new();

	memset(v, 'a', 2300000);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/t/bytes/%zu", i);
		etcd_txn_put(t, ETCD_SUCCESS, key, v, big, 0);
	}
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_SPLIT, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 20000));
	ck_assert_msg(r.code == ETCD_OK, "%s", r.msg);
	ck_assert_uint_ge(r.n_txns, 3); /* 4 MB in parts under 1.5 MiB */
	sync_clear(&r);
	ck_assert_int_eq(count_prefix("/t/bytes/"), 10);

	/* a single value over the limit: etcd's "request is too large" */
	ck_assert_int_eq(etcd_put(c, "/t/bytes/huge", v, 1600000, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 20000));
	ck_assert_int_eq(r.code, ETCD_ERR_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(r.msg, "too large"));
	sync_clear(&r);
	/* far over: the gRPC layer's refusal (HTTP 429) is the same class */
	ck_assert_int_eq(etcd_put(c, "/t/bytes/huger", v, 2300000, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 20000));
	ck_assert_int_eq(r.code, ETCD_ERR_TOO_LARGE);
	sync_clear(&r);
	free(v);
}
END_TEST

START_TEST(compacted_and_future_revision)
{
	struct sync_result r = { 0 };
	int64_t rev;

	put_ok("/t/cmp/a", "1");
	put_ok("/t/cmp/a", "2");
	ck_assert_int_eq(etcd_harness_current_revision(&h, &rev), 0);
	ck_assert_int_eq(etcd_harness_compact(&h, rev), 0);
	ck_assert_int_eq(etcd_range(c, "/t/cmp/a", &(struct etcd_range_opts){ .revision = rev - 1 },
				    sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_COMPACTED);
	ck_assert_ptr_nonnull(strstr(r.msg, "compacted"));
	sync_clear(&r);
	ck_assert_int_eq(etcd_range(c, "/t/cmp/a",
				    &(struct etcd_range_opts){ .revision = rev + 1000 }, sync_cb, &r),
			 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_FUTURE_REVISION);
	sync_clear(&r);
}
END_TEST

START_TEST(unreachable_is_unavailable)
{
	struct sync_result r = { 0 };
	struct etcd_client_opts o = { .request_timeout_ms = 600 };
	etcd_client *dead = test_client(&loop, "http://127.0.0.1:1", &o);
	uint64_t t0 = uv_now(&loop);

	ck_assert_int_eq(etcd_put(dead, "/t/x", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 5000));
	ck_assert_int_eq(r.code, ETCD_ERR_UNAVAILABLE);
	ck_assert_uint_ge(uv_now(&loop) - t0, 500); /* retried until the deadline */
	sync_clear(&r);
	ck_assert_int_eq(test_client_close(&loop, dead), 0);
}
END_TEST

static Suite *kv_suite(void)
{
	Suite *s = suite_create("etcd_kv");
	TCase *tc = tcase_create("kv");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, put_get_roundtrip);
	tcase_add_test(tc, range_prefix_paginated_fixed_revision);
	tcase_add_test(tc, delete_prefix);
	tcase_add_test(tc, txn_compare_branches_nested);
	tcase_add_test(tc, txn_over_128_ops);
	tcase_add_test(tc, split_by_bytes_and_too_large);
	tcase_add_test(tc, compacted_and_future_revision);
	tcase_add_test(tc, unreachable_is_unavailable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kv_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
