/* etcd_internal — what the files of lib/etcd share and nothing else sees.
 *
 * codec.c: base64, request bodies, response decoding into struct etcd_result, error
 * classification from HTTP status, curl code and etcd's error body (pure, unit-tested
 * in tests/unit/test_etcd_codec.c). transport.c: one libcurl multi handle driven by a
 * uv_loop_t (uv_poll per socket, one uv_timer), transfers with completion and
 * streaming-data callbacks that always run outside libcurl's own callbacks.
 * client.c: the request pipeline used by txn.c, lease.c and watch.c. */
#ifndef KVTE_LIB_ETCD_INTERNAL_H
#define KVTE_LIB_ETCD_INTERNAL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>

#include "lib/etcd/etcd.h"

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* ---- codec.c ------------------------------------------------------------------ */

/* Standard base64 with padding; caller frees. NULL on allocation failure. */
char *etcd_b64_encode(const void *data, size_t len);
/* Decode into a NUL-terminated buffer; -EINVAL on bad input. */
int etcd_b64_decode(const char *s, size_t slen, char **out, size_t *out_len);
/* Parse etcd's int64-as-string (or number). Returns false if malformed. */
bool etcd_json_int64(const json_t *v, int64_t *out);

/* JSON field for a base64 bytes value. */
json_t *etcd_json_bytes(const void *data, size_t len);

/* Decode a response object (already unwrapped from "result") into res. Returns 0 or
 * -EPROTO with a reason in res->err. */
int etcd_decode_result(const json_t *obj, struct etcd_result *res);
/* Decode one kv object. */
int etcd_decode_kv(const json_t *obj, struct etcd_kv *kv);
void etcd_kv_clear(struct etcd_kv *kv);
void etcd_result_clear(struct etcd_result *res);

/* Classify a finished HTTP exchange. body may be NULL. Sets err->code etc. and
 * returns true when it is an error. */
bool etcd_classify(CURLcode cc, const char *curl_msg, long http_status,
		   const char *body, size_t body_len, struct etcd_error *err);
/* Whether the request provably did not reach etcd's state machine (safe to resend
 * even when not idempotent), e.g. connection refused. */
bool etcd_error_not_sent(CURLcode cc);
void etcd_error_set(struct etcd_error *err, enum etcd_errc code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- transport.c ---------------------------------------------------------------- */

struct etcd_transport;
struct etcd_xfer;

typedef void (*etcd_xfer_done_fn)(struct etcd_xfer *x, CURLcode cc, long http_status);
typedef void (*etcd_xfer_data_fn)(struct etcd_xfer *x);

struct etcd_xfer {
	/* set by the owner before etcd_xfer_start */
	bool streaming; /* data_fn is called as bytes arrive */
	etcd_xfer_data_fn data_fn;
	etcd_xfer_done_fn done_fn;
	void *owner;
	/* transport state (cleared by etcd_xfer_start) */
	CURL *easy;
	struct etcd_transport *t;
	struct curl_slist *headers;
	char *body; /* request body (owned) */
	char *resp; /* response bytes so far (NUL-terminated) */
	size_t resp_len, resp_cap;
	bool data_pending;   /* new bytes not yet handed to data_fn */
	bool active;         /* added to the multi handle */
	struct etcd_xfer *pending_next;
	char errbuf[CURL_ERROR_SIZE];
};

struct etcd_tls {
	const char *ca_file, *cert_file, *key_file;
};

int etcd_transport_new(uv_loop_t *loop, struct etcd_transport **out);
/* Abort every transfer (no callbacks), close handles, free; then closed(arg). */
void etcd_transport_close(struct etcd_transport *t, void (*closed)(void *), void *arg);
/* Start a POST of body (ownership taken) to url. timeout_ms 0 = none (streams).
 * token may be NULL. Returns 0 or -ENOMEM/-EIO; on error body is freed. */
int etcd_xfer_start(struct etcd_transport *t, struct etcd_xfer *x, const char *url,
		    char *body, size_t body_len, const char *token,
		    const struct etcd_tls *tls, long connect_timeout_ms, long timeout_ms);
/* Stop the transfer if it is running (no done callback) and free its buffers; also
 * what an owner calls after done. Never called from inside libcurl callbacks
 * (transport.c only calls out after libcurl has returned). */
void etcd_xfer_release(struct etcd_xfer *x);

/* ---- client.c ------------------------------------------------------------------ */

enum etcd_req_kind { ETCD_REQ_IDEMPOTENT, ETCD_REQ_NOT_IDEMPOTENT };

/* Send body (ownership taken) to path ("/v3/kv/put") with fail-over, auth and
 * retries, decode the response and call cb once. kind says whether a request whose
 * outcome is unknown may be resent. timeout_ms bounds the whole request including
 * retries (0: the client's request_timeout_ms). */
int etcd_call(etcd_client *c, const char *path, json_t *body, enum etcd_req_kind kind,
	      unsigned timeout_ms, etcd_cb cb, void *arg);

/* Deliver err through cb on the next loop iteration (never from inside the call). */
int etcd_fail_later(etcd_client *c, const struct etcd_error *err, etcd_cb cb, void *arg);

/* For watch.c: the endpoint URL to use now, the token, TLS, timeouts, and reporting
 * a failed endpoint so the client fails over. */
const char *etcd_client_url(etcd_client *c, unsigned *index);
void etcd_client_endpoint_failed(etcd_client *c, unsigned index, const char *why);
const char *etcd_client_token(etcd_client *c);
bool etcd_client_has_auth(const etcd_client *c);
/* Ask for a fresh token (after "invalid auth token"); cb when done, with err NULL on
 * success or why the login failed. */
void etcd_client_reauth(etcd_client *c, const char *stale_token,
			void (*cb)(void *arg, const struct etcd_error *err), void *arg);
const struct etcd_tls *etcd_client_tls(const etcd_client *c);
const struct etcd_client_opts *etcd_client_opts(const etcd_client *c);
struct etcd_transport *etcd_client_transport(etcd_client *c);
const char *etcd_client_name(const etcd_client *c);

/* Registration so etcd_client_close can stop watches and leases it does not own. */
void etcd_client_track_watch(etcd_client *c, etcd_watch *w, bool add);
void etcd_client_track_lease(etcd_client *c, etcd_lease *l, bool add);
void etcd_watch_free_on_close(etcd_watch *w);
void etcd_lease_free_on_close(etcd_lease *l);

/* txn.c: the JSON of a transaction (used by split sends and nested ops). */
json_t *etcd_txn_json(const etcd_txn *t);

#endif
