/* etcd_sync — drive kvte's asynchronous etcd client synchronously in tests.
 *
 * A test calls an async function with sync_cb and a struct sync_result, then
 * sync_wait() runs the loop until the callback has fired (or a deadline passes) and
 * the result's interesting parts have been copied out (error code and message,
 * revision, kvs as key/value strings, txn flags and counts, lease ID/TTL). Also
 * run_until() for any flag, test_client() to make a client for a harness, and an
 * in-memory capture of log lines.
 * Used by tests/etcd/ and bench/. */
#ifndef KVTE_TESTS_SUPPORT_ETCD_SYNC_H
#define KVTE_TESTS_SUPPORT_ETCD_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lib/etcd/etcd.h"

struct sync_result {
	bool done;
	enum etcd_errc code;
	char msg[256];
	int64_t revision, count, deleted, lease_id, ttl;
	bool succeeded, more;
	unsigned n_txns;
	size_t n_kvs, n_responses, n_prev_kvs;
	char **keys, **values; /* n_kvs each */
	int64_t *mod_revisions;
	char *prev_value;       /* first prev_kv's value, if any */
	size_t first_response_kvs; /* kvs in responses[0] (txn range ops) */
};

void sync_cb(etcd_client *c, const struct etcd_result *res, void *arg);
/* Run the loop until r->done or timeout_ms; returns r->done. */
bool sync_wait(uv_loop_t *loop, struct sync_result *r, unsigned timeout_ms);
void sync_clear(struct sync_result *r);

/* Run the loop until *flag or timeout_ms; returns *flag. */
bool run_until(uv_loop_t *loop, const bool *flag, unsigned timeout_ms);
/* Run the loop for ms milliseconds. */
void run_for(uv_loop_t *loop, unsigned ms);

/* A client on endpoints with test-friendly defaults; opts may be NULL. Returns NULL
 * and prints why on failure. */
etcd_client *test_client(uv_loop_t *loop, const char *endpoints,
			 const struct etcd_client_opts *opts);
/* Close the client and run the loop until it is gone; returns uv_loop_close() == 0
 * ready check: 0 when every handle is closed. */
int test_client_close(uv_loop_t *loop, etcd_client *c);

/* Capture lib/log output in memory (tests assert on log lines). log_capture_text()
 * flushes and returns everything captured so far ("" when not capturing);
 * log_capture_stop() echoes it to stderr, frees it and logs to stderr again. Safe to
 * call stop when not capturing. */
void log_capture_start(void);
const char *log_capture_text(void);
void log_capture_stop(void);

#endif
