/* etcd — kvte's asynchronous etcd v3 client (JSON gateway, etcd 3.4), driven by libuv.
 *
 * Every daemon and kvtectl talk to etcd through this API. Requests are JSON over HTTP
 * (libcurl multi handle, sockets and timers driven by the caller's uv_loop_t), facts
 * about the gateway are in shared/notes/etcd-gateway.md. What it gives:
 *  - KV: put, get, range (prefix, pagination at one fixed revision), delete;
 *    transactions with compares and nested put/delete/range/txn ops, optionally split
 *    into several transactions to fit the server's 128-op / 1.5 MiB limits;
 *  - leases: grant, automatic keep-alive every TTL/3, revoke, a callback when lost;
 *  - watches on a key or prefix with prev_kv, resumed from the last delivered
 *    revision + 1 after any disconnect (reconnect back-off, endpoint fail-over); when
 *    the resume revision was compacted, the caller gets a clean "snapshot" (a fresh
 *    range at a known revision) and the watch continues after it: never a silent gap;
 *  - several endpoints with fail-over, user/password auth (token cached, one re-login
 *    on "invalid auth token"), TLS (CA, client certificate and key);
 *  - typed errors carrying etcd's own message.
 * Callbacks run on the loop thread. Results passed to callbacks are owned by the client
 * and valid only during the callback. Files: client.c (requests, endpoints, auth, KV),
 * txn.c (transactions and splitting), lease.c, watch.c, codec.c (pure JSON encoding
 * and decoding, error classification), transport.c (curl multi <-> libuv). */
#ifndef KVTE_LIB_ETCD_H
#define KVTE_LIB_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct etcd_client etcd_client;
typedef struct etcd_txn etcd_txn;
typedef struct etcd_lease etcd_lease;
typedef struct etcd_watch etcd_watch;

enum etcd_errc {
	ETCD_OK = 0,
	ETCD_ERR_NOT_FOUND,         /* key (etcd_get) or lease does not exist */
	ETCD_ERR_COMPARE_FAILED,    /* txn compares were false (failure branch ran) */
	ETCD_ERR_COMPACTED,         /* requested revision has been compacted */
	ETCD_ERR_FUTURE_REVISION,   /* requested revision is in the future */
	ETCD_ERR_TOO_LARGE,         /* request larger than the server accepts */
	ETCD_ERR_TOO_MANY_OPS,      /* txn has more operations than the server accepts */
	ETCD_ERR_PERMISSION_DENIED, /* auth on, user's roles do not cover the key */
	ETCD_ERR_AUTH,              /* bad user/password, or token refused after re-login */
	ETCD_ERR_UNAVAILABLE,       /* no endpoint answered (refused, timeout, no leader) */
	ETCD_ERR_INVALID,           /* request rejected as malformed (bad argument) */
	ETCD_ERR_PROTOCOL,          /* response we could not understand */
	ETCD_ERR_CANCELED,          /* client closed before the request completed */
};
#define ETCD_ERRC_COUNT (ETCD_ERR_CANCELED + 1)

/* "not found", "compare failed", ... */
const char *etcd_errc_name(enum etcd_errc code);

struct etcd_error {
	enum etcd_errc code;
	int grpc_code;     /* etcd's gRPC status code, 0 if none */
	long http_status;  /* 0 if no HTTP response */
	char msg[256];     /* etcd's message or the transport's reason */
};

/* A key-value as stored in etcd. key and value are NUL-terminated copies (etcd keys
 * and values may hold NUL bytes: use the lengths). */
struct etcd_kv {
	char *key;
	size_t key_len;
	char *value;
	size_t value_len;
	int64_t create_revision, mod_revision, version, lease;
};

/* The result of any request. Fields not relevant to the request are zero. */
struct etcd_result {
	struct etcd_error err; /* err.code == ETCD_OK on success */
	int64_t revision;      /* header revision: store revision after the request */
	/* range */
	struct etcd_kv *kvs;
	size_t n_kvs;
	int64_t count; /* total matches (range) */
	bool more;     /* a limited range left keys out */
	/* put / delete with prev_kv */
	struct etcd_kv *prev_kvs;
	size_t n_prev_kvs;
	int64_t deleted;
	/* txn: whether the compares held, and one result per op of the branch that ran */
	bool succeeded;
	struct etcd_result *responses;
	size_t n_responses;
	/* split txn: how many transactions were committed */
	unsigned n_txns;
	/* lease */
	int64_t lease_id, ttl;
};

typedef void (*etcd_cb)(etcd_client *c, const struct etcd_result *res, void *arg);

struct etcd_client_opts {
	const char *endpoints;      /* "http://127.0.0.1:2379,http://127.0.0.1:22379" */
	const char *user;           /* NULL: no auth */
	const char *password;
	const char *ca_file;        /* TLS (https:// endpoints) */
	const char *cert_file;
	const char *key_file;
	const char *name;           /* for log lines; default "etcd" */
	unsigned request_timeout_ms; /* whole request incl. fail-over; default 5000 */
	unsigned connect_timeout_ms; /* per attempt; default 1000 */
	unsigned max_inflight;      /* unary requests on the wire at once; default 32 */
	unsigned max_txn_ops;       /* server's --max-txn-ops; default 128 */
	size_t max_request_bytes;   /* server's --max-request-bytes; default 1.5 MiB */
	unsigned backoff_min_ms;    /* watch reconnect / retry back-off; default 100 */
	unsigned backoff_max_ms;    /* default 5000 */
};

/* Create a client on `loop`. Returns 0, or -EINVAL with a reason in err (bad endpoint
 * list, missing password, unreadable TLS file). Nothing is sent until a request is made. */
int etcd_client_new(uv_loop_t *loop, const struct etcd_client_opts *opts,
		    etcd_client **out, char *err, size_t errlen);
/* Cancel everything (pending callbacks get ETCD_ERR_CANCELED; watches and leases are
 * stopped and freed without revoking), close all handles, free the client, then call
 * `closed` (may be NULL). The loop can then finish. */
void etcd_client_close(etcd_client *c, void (*closed)(void *arg), void *arg);
/* The endpoint currently used. */
const char *etcd_client_endpoint(const etcd_client *c);
uv_loop_t *etcd_client_loop(const etcd_client *c);

/* ---- KV ---------------------------------------------------------------------- */

struct etcd_put_opts {
	int64_t lease;     /* attach to this lease (0: none; a put without it detaches) */
	bool prev_kv;      /* return the previous value in res->prev_kvs */
	bool ignore_lease; /* keep the key's current lease */
};

struct etcd_range_opts {
	bool prefix;            /* all keys starting with key */
	const char *range_end;  /* explicit end (exclusive); overrides prefix */
	int64_t revision;       /* read at this revision (0: current) */
	int64_t limit;          /* at most this many (0: no limit); res->more tells */
	size_t page_size;       /* >0: fetch in pages of this size, all at the revision
				 * of the first page, joined into one result */
	bool keys_only, count_only, serializable;
};

/* All return 0 when the request was queued (cb will be called exactly once), or a
 * negative errno when the arguments are unusable (cb is not called). */
int etcd_put(etcd_client *c, const char *key, const char *value, size_t value_len,
	     const struct etcd_put_opts *opts, etcd_cb cb, void *arg);
/* One key; res->kvs[0] on success, ETCD_ERR_NOT_FOUND if absent. */
int etcd_get(etcd_client *c, const char *key, etcd_cb cb, void *arg);
int etcd_range(etcd_client *c, const char *key, const struct etcd_range_opts *opts,
	       etcd_cb cb, void *arg);
/* Delete one key, or every key under it when `prefix`. */
int etcd_delete(etcd_client *c, const char *key, bool prefix, bool prev_kv,
		etcd_cb cb, void *arg);

/* ---- transactions ------------------------------------------------------------ */

enum etcd_cmp_target { ETCD_CMP_VERSION, ETCD_CMP_CREATE, ETCD_CMP_MOD, ETCD_CMP_VALUE,
		       ETCD_CMP_LEASE };
enum etcd_cmp_result { ETCD_CMP_EQUAL, ETCD_CMP_GREATER, ETCD_CMP_LESS,
		       ETCD_CMP_NOT_EQUAL };
enum etcd_branch { ETCD_SUCCESS, ETCD_FAILURE };

enum etcd_txn_flags {
	ETCD_TXN_ATOMIC = 0, /* one transaction; over the limits -> TOO_MANY_OPS/TOO_LARGE */
	/* Over the limits, send the success ops as consecutive transactions, in order,
	 * each repeating every compare (a guard such as a leader fence holds for each),
	 * stopping at the first whose compares fail. Needs an empty failure branch. */
	ETCD_TXN_SPLIT = 1,
};

etcd_txn *etcd_txn_new(void);
void etcd_txn_free(etcd_txn *t);
/* Compares on an integer target (VERSION, CREATE, MOD, LEASE) or on the value. */
int etcd_txn_compare(etcd_txn *t, const char *key, enum etcd_cmp_target target,
		     enum etcd_cmp_result result, int64_t v);
int etcd_txn_compare_value(etcd_txn *t, const char *key, enum etcd_cmp_result result,
			   const char *value, size_t value_len);
int etcd_txn_put(etcd_txn *t, enum etcd_branch b, const char *key, const char *value,
		 size_t value_len, int64_t lease);
int etcd_txn_delete(etcd_txn *t, enum etcd_branch b, const char *key, bool prefix);
int etcd_txn_range(etcd_txn *t, enum etcd_branch b, const char *key, bool prefix);
/* Takes ownership of `child`. */
int etcd_txn_nested(etcd_txn *t, enum etcd_branch b, etcd_txn *child);
size_t etcd_txn_count(const etcd_txn *t, enum etcd_branch b);
/* Commit; takes ownership of t (freed after the callback). res->succeeded says which
 * branch ran; a false compare is also reported as ETCD_ERR_COMPARE_FAILED. */
int etcd_txn_commit(etcd_client *c, etcd_txn *t, enum etcd_txn_flags flags,
		    etcd_cb cb, void *arg);

/* ---- leases ------------------------------------------------------------------- */

struct etcd_lease_cbs {
	/* Grant finished: res->lease_id/ttl, or an error (the lease is then dead). */
	void (*granted)(etcd_lease *l, const struct etcd_result *res, void *arg);
	/* The lease is gone: expired or revoked on the server, or no keep-alive was
	 * acknowledged within its TTL. Keys attached to it are (or will be) deleted. */
	void (*lost)(etcd_lease *l, const struct etcd_error *why, void *arg);
};

/* Grant a lease of ttl_s seconds and keep it alive every TTL/3 until released.
 * NULL only on allocation failure or bad arguments. */
etcd_lease *etcd_lease_grant(etcd_client *c, int64_t ttl_s,
			     const struct etcd_lease_cbs *cbs, void *arg);
int64_t etcd_lease_id(const etcd_lease *l); /* 0 until granted */
int64_t etcd_lease_ttl(const etcd_lease *l);
bool etcd_lease_alive(const etcd_lease *l);
/* Stop keeping it alive and free the handle; when `revoke`, revoke it on the server
 * (its keys vanish now; if the grant is still on the wire, as soon as it answers) and
 * call cb (may be NULL) once with the result. */
void etcd_lease_release(etcd_lease *l, bool revoke, etcd_cb cb, void *arg);

/* ---- watches ------------------------------------------------------------------ */

enum etcd_event_type { ETCD_EVENT_PUT, ETCD_EVENT_DELETE };

struct etcd_event {
	enum etcd_event_type type;
	struct etcd_kv kv;      /* for DELETE only key and mod_revision are set */
	struct etcd_kv prev_kv; /* valid when has_prev_kv */
	bool has_prev_kv;
};

struct etcd_watch_cbs {
	/* The whole watched range at snap->revision (snap->kvs). Delivered first when the
	 * watch was started with start_revision 0, and again (resync = true) when the
	 * resume revision was compacted: replace your view with it. Events that follow
	 * start at snap->revision + 1. */
	void (*snapshot)(etcd_watch *w, const struct etcd_result *snap, bool resync,
			 void *arg);
	/* Events in revision order; `revision` is the newest one delivered so far. */
	void (*events)(etcd_watch *w, const struct etcd_event *ev, size_t n,
		       int64_t revision, void *arg);
	/* Stream state: connected (why == NULL) or not (why says why). A fatal error
	 * (permission denied, auth) stops the watch: fatal is then true. May be NULL. */
	void (*status)(etcd_watch *w, bool connected, const struct etcd_error *why,
		       bool fatal, void *arg);
};

struct etcd_watch_opts {
	bool prefix;           /* watch every key under key */
	int64_t start_revision; /* 0: snapshot, then events after it; >0: from here */
	bool prev_kv;          /* deliver previous values with events */
	bool no_progress;      /* do not ask for progress notifications */
	size_t snapshot_page_size; /* default 5000 */
};

etcd_watch *etcd_watch_start(etcd_client *c, const char *key,
			     const struct etcd_watch_opts *opts,
			     const struct etcd_watch_cbs *cbs, void *arg);
/* Last revision delivered (events, snapshot or progress). */
int64_t etcd_watch_revision(const etcd_watch *w);
bool etcd_watch_connected(const etcd_watch *w);
/* Stop and free; no callback after this returns. Safe inside the watch's callbacks. */
void etcd_watch_cancel(etcd_watch *w);

/* ---- helpers ------------------------------------------------------------------ */

/* The exclusive end of the range of keys starting with prefix (last byte + 1), as
 * etcd wants it; "\0" for an empty prefix (the whole keyspace). Caller frees. */
char *etcd_prefix_end(const char *prefix, size_t len, size_t *out_len);

#endif
