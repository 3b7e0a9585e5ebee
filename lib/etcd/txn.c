/* txn — etcd transactions: building compares and put/delete/range/nested-txn ops,
 * committing them atomically, or split to fit the server's limits.
 *
 * etcd rejects a transaction with more than --max-txn-ops (128) operations in any of
 * compare / success / failure, or larger than --max-request-bytes (1.5 MiB, measured
 * on the decoded protobuf, so raw key+value bytes plus a small overhead per op).
 * ETCD_TXN_ATOMIC refuses an oversized transaction with ETCD_ERR_TOO_MANY_OPS before
 * sending it (the byte limit is left to the server, which answers TOO_LARGE).
 * ETCD_TXN_SPLIT sends the success ops as consecutive transactions in their original
 * order, each carrying every compare (so a guard like the controller's leader fence
 * holds for each part), and stops at the first part whose compares fail: the caller
 * orders its ops so that any prefix of them is safe (DESIGN §5: "in an order that
 * never leaves a forwarding hole"). Built on etcd_call (client.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"
#include "lib/log.h"

#define OP_OVERHEAD 32       /* protobuf framing and fields per op, generous */
#define REQUEST_MARGIN 4096  /* headroom under max_request_bytes */

struct etcd_txn {
	json_t *compare;
	json_t *ops[2]; /* ETCD_SUCCESS, ETCD_FAILURE */
	size_t *op_bytes[2];
	size_t op_cap[2];
	size_t cmp_bytes;
};

static const char *const target_names[] = { "VERSION", "CREATE", "MOD", "VALUE", "LEASE" };
static const char *const target_fields[] = { "version", "create_revision", "mod_revision",
					     "value", "lease" };
static const char *const result_names[] = { "EQUAL", "GREATER", "LESS", "NOT_EQUAL" };

etcd_txn *etcd_txn_new(void)
{
	etcd_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->compare = json_array();
	t->ops[0] = json_array();
	t->ops[1] = json_array();
	if (!t->compare || !t->ops[0] || !t->ops[1]) {
		etcd_txn_free(t);
		return NULL;
	}
	return t;
}

void etcd_txn_free(etcd_txn *t)
{
	if (!t)
		return;
	json_decref(t->compare);
	json_decref(t->ops[0]);
	json_decref(t->ops[1]);
	free(t->op_bytes[0]);
	free(t->op_bytes[1]);
	free(t);
}

size_t etcd_txn_count(const etcd_txn *t, enum etcd_branch b)
{
	return json_array_size(t->ops[b]);
}

static size_t txn_bytes(const etcd_txn *t)
{
	size_t total = t->cmp_bytes, i, b;

	for (b = 0; b < 2; b++)
		for (i = 0; i < json_array_size(t->ops[b]); i++)
			total += t->op_bytes[b][i];
	return total;
}

static int set_bytes(json_t *obj, const char *field, const char *data, size_t len)
{
	json_t *v = etcd_json_bytes(data, len);

	return v && json_object_set_new(obj, field, v) == 0 ? 0 : -ENOMEM;
}

static int add_op(etcd_txn *t, enum etcd_branch b, const char *wrapper, json_t *req,
		  size_t bytes)
{
	size_t n = json_array_size(t->ops[b]);
	json_t *op;

	if ((unsigned)b > ETCD_FAILURE || !req) {
		json_decref(req);
		return -EINVAL;
	}
	if (n == t->op_cap[b]) {
		size_t cap = t->op_cap[b] ? t->op_cap[b] * 2 : 16;
		size_t *nb = realloc(t->op_bytes[b], cap * sizeof(*nb));

		if (!nb) {
			json_decref(req);
			return -ENOMEM;
		}
		t->op_bytes[b] = nb;
		t->op_cap[b] = cap;
	}
	op = json_object();
	if (!op || json_object_set_new(op, wrapper, req) < 0 ||
	    json_array_append_new(t->ops[b], op) < 0) {
		json_decref(op);
		return -ENOMEM;
	}
	t->op_bytes[b][n] = bytes + OP_OVERHEAD;
	return 0;
}

int etcd_txn_compare(etcd_txn *t, const char *key, enum etcd_cmp_target target,
		     enum etcd_cmp_result result, int64_t v)
{
	json_t *c;

	if (!key || !*key || target == ETCD_CMP_VALUE || (unsigned)target > ETCD_CMP_LEASE ||
	    (unsigned)result > ETCD_CMP_NOT_EQUAL)
		return -EINVAL;
	c = json_pack("{s:s, s:s, s:I}", "target", target_names[target], "result",
		      result_names[result], target_fields[target], (json_int_t)v);
	if (!c || set_bytes(c, "key", key, strlen(key)) < 0 ||
	    json_array_append_new(t->compare, c) < 0) {
		json_decref(c);
		return -ENOMEM;
	}
	t->cmp_bytes += strlen(key) + OP_OVERHEAD;
	return 0;
}

int etcd_txn_compare_value(etcd_txn *t, const char *key, enum etcd_cmp_result result,
			   const char *value, size_t value_len)
{
	json_t *c;

	if (!key || !*key || (unsigned)result > ETCD_CMP_NOT_EQUAL)
		return -EINVAL;
	c = json_pack("{s:s, s:s}", "target", "VALUE", "result", result_names[result]);
	if (!c || set_bytes(c, "key", key, strlen(key)) < 0 ||
	    set_bytes(c, "value", value ? value : "", value ? value_len : 0) < 0 ||
	    json_array_append_new(t->compare, c) < 0) {
		json_decref(c);
		return -ENOMEM;
	}
	t->cmp_bytes += strlen(key) + value_len + OP_OVERHEAD;
	return 0;
}

int etcd_txn_put(etcd_txn *t, enum etcd_branch b, const char *key, const char *value,
		 size_t value_len, int64_t lease)
{
	json_t *req;

	if (!key || !*key)
		return -EINVAL;
	req = json_object();
	if (!req || set_bytes(req, "key", key, strlen(key)) < 0 ||
	    set_bytes(req, "value", value ? value : "", value ? value_len : 0) < 0) {
		json_decref(req);
		return -ENOMEM;
	}
	if (lease)
		json_object_set_new(req, "lease", json_integer(lease));
	return add_op(t, b, "request_put", req, strlen(key) + value_len);
}

static json_t *range_req(const char *key, bool prefix)
{
	json_t *req = json_object();
	size_t klen = strlen(key), elen;
	char *end;

	if (!req || set_bytes(req, "key", key, klen) < 0)
		goto fail;
	if (prefix) {
		end = etcd_prefix_end(key, klen, &elen);
		if (!end || set_bytes(req, "range_end", end, elen) < 0) {
			free(end);
			goto fail;
		}
		free(end);
	}
	return req;
fail:
	json_decref(req);
	return NULL;
}

int etcd_txn_delete(etcd_txn *t, enum etcd_branch b, const char *key, bool prefix)
{
	if (!key || !*key)
		return -EINVAL;
	return add_op(t, b, "request_delete_range", range_req(key, prefix), 2 * strlen(key));
}

int etcd_txn_range(etcd_txn *t, enum etcd_branch b, const char *key, bool prefix)
{
	if (!key || !*key)
		return -EINVAL;
	return add_op(t, b, "request_range", range_req(key, prefix), 2 * strlen(key));
}

int etcd_txn_nested(etcd_txn *t, enum etcd_branch b, etcd_txn *child)
{
	size_t bytes;
	int rc;

	if (!child)
		return -EINVAL;
	bytes = txn_bytes(child);
	rc = add_op(t, b, "request_txn", etcd_txn_json(child), bytes);
	etcd_txn_free(child);
	return rc;
}

json_t *etcd_txn_json(const etcd_txn *t)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_array_size(t->compare))
		json_object_set(o, "compare", t->compare);
	if (json_array_size(t->ops[0]))
		json_object_set(o, "success", t->ops[0]);
	if (json_array_size(t->ops[1]))
		json_object_set(o, "failure", t->ops[1]);
	return o;
}

/* ---- commit -------------------------------------------------------------------------- */

struct commit_ctx {
	etcd_txn *t;
	etcd_cb cb;
	void *arg;
	/* split state */
	size_t next;  /* first success op not yet sent */
	size_t chunk_end;
	struct etcd_result acc;
	size_t acc_cap;
};

static void report(etcd_client *c, struct commit_ctx *x, const struct etcd_result *res)
{
	struct etcd_result r = *res;

	if (r.err.code == ETCD_OK && !r.succeeded)
		etcd_error_set(&r.err, ETCD_ERR_COMPARE_FAILED, "compare failed");
	if (x->cb)
		x->cb(c, &r, x->arg);
}

static void free_ctx(struct commit_ctx *x)
{
	etcd_result_clear(&x->acc);
	etcd_txn_free(x->t);
	free(x);
}

static void atomic_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct commit_ctx *x = arg;
	struct etcd_result r = *res;

	r.n_txns = res->err.code == ETCD_OK && res->succeeded ? 1 : 0;
	report(c, x, &r);
	free_ctx(x);
}

static enum etcd_req_kind kind_of(const etcd_txn *t)
{
	/* Without compares a resend leaves the same state; with them it could report a
	 * compare failure for a transaction that in fact succeeded. */
	return json_array_size(t->compare) ? ETCD_REQ_NOT_IDEMPOTENT : ETCD_REQ_IDEMPOTENT;
}

static int send_chunk(etcd_client *c, struct commit_ctx *x);

static void chunk_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct commit_ctx *x = arg;
	struct etcd_result *m = (struct etcd_result *)res; /* responses move into acc */
	size_t i;

	if (res->err.code != ETCD_OK || !res->succeeded) {
		x->acc.err = res->err;
		x->acc.succeeded = false;
		x->acc.revision = res->revision ? res->revision : x->acc.revision;
		report(c, x, &x->acc);
		free_ctx(x);
		return;
	}
	if (x->acc.n_responses + res->n_responses > x->acc_cap) {
		size_t cap = x->acc_cap ? x->acc_cap * 2 : 256;
		struct etcd_result *n;

		while (cap < x->acc.n_responses + res->n_responses)
			cap *= 2;
		n = realloc(x->acc.responses, cap * sizeof(*n));
		if (!n) {
			etcd_error_set(&x->acc.err, ETCD_ERR_INVALID, "out of memory");
			report(c, x, &x->acc);
			free_ctx(x);
			return;
		}
		x->acc.responses = n;
		x->acc_cap = cap;
	}
	for (i = 0; i < res->n_responses; i++)
		x->acc.responses[x->acc.n_responses++] = res->responses[i];
	free(m->responses);
	m->responses = NULL;
	m->n_responses = 0;
	x->acc.n_txns++;
	x->acc.revision = res->revision;
	x->next = x->chunk_end;
	if (x->next >= json_array_size(x->t->ops[ETCD_SUCCESS])) {
		x->acc.succeeded = true;
		report(c, x, &x->acc);
		free_ctx(x);
		return;
	}
	if (send_chunk(c, x) < 0) {
		etcd_error_set(&x->acc.err, ETCD_ERR_CANCELED,
			       "split transaction stopped after %u parts (client closing)",
			       x->acc.n_txns);
		report(c, x, &x->acc);
		free_ctx(x);
	}
}

static int send_chunk(etcd_client *c, struct commit_ctx *x)
{
	const struct etcd_client_opts *o = etcd_client_opts(c);
	const etcd_txn *t = x->t;
	size_t n = json_array_size(t->ops[ETCD_SUCCESS]), i = x->next;
	size_t budget = o->max_request_bytes > 2 * REQUEST_MARGIN
				? o->max_request_bytes - REQUEST_MARGIN
				: o->max_request_bytes / 2;
	size_t bytes = t->cmp_bytes;
	json_t *body, *ops;

	/* Greedy: as many ops as fit both limits; at least one (the server judges an op
	 * that is too large on its own). */
	while (i < n && i - x->next < o->max_txn_ops &&
	       (i == x->next || bytes + t->op_bytes[ETCD_SUCCESS][i] <= budget)) {
		bytes += t->op_bytes[ETCD_SUCCESS][i];
		i++;
	}
	x->chunk_end = i;
	ops = json_array();
	body = json_object();
	if (!ops || !body) {
		json_decref(ops);
		json_decref(body);
		return -ENOMEM;
	}
	for (i = x->next; i < x->chunk_end; i++)
		json_array_append(ops, json_array_get(t->ops[ETCD_SUCCESS], i));
	if (json_array_size(t->compare))
		json_object_set(body, "compare", t->compare);
	json_object_set_new(body, "success", ops);
	return etcd_call(c, "/v3/kv/txn", body, kind_of(t), 0, chunk_done, x);
}

static bool fits(const etcd_client *c, const etcd_txn *t)
{
	const struct etcd_client_opts *o = etcd_client_opts(c);

	return json_array_size(t->ops[ETCD_SUCCESS]) <= o->max_txn_ops &&
	       json_array_size(t->ops[ETCD_FAILURE]) <= o->max_txn_ops &&
	       txn_bytes(t) + REQUEST_MARGIN <= o->max_request_bytes;
}

int etcd_txn_commit(etcd_client *c, etcd_txn *t, enum etcd_txn_flags flags, etcd_cb cb,
		    void *arg)
{
	const struct etcd_client_opts *o = etcd_client_opts(c);
	struct commit_ctx *x;
	struct etcd_error e;
	int rc;

	if (!t)
		return -EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x) {
		etcd_txn_free(t);
		return -ENOMEM;
	}
	x->t = t;
	x->cb = cb;
	x->arg = arg;
	memset(&e, 0, sizeof(e));
	if (json_array_size(t->compare) > o->max_txn_ops) {
		etcd_error_set(&e, ETCD_ERR_TOO_MANY_OPS,
			       "transaction has %zu compares; the server accepts %u",
			       json_array_size(t->compare), o->max_txn_ops);
	} else if (flags & ETCD_TXN_SPLIT && !fits(c, t)) {
		if (json_array_size(t->ops[ETCD_FAILURE]))
			etcd_error_set(&e, ETCD_ERR_INVALID,
				       "a transaction split into parts cannot have a failure branch");
		else {
			log_debug("etcd", "%s: splitting a transaction of %zu ops, ~%zu bytes",
				  etcd_client_name(c), json_array_size(t->ops[ETCD_SUCCESS]),
				  txn_bytes(t));
			rc = send_chunk(c, x);
			if (rc < 0)
				free_ctx(x);
			return rc;
		}
	} else if (json_array_size(t->ops[ETCD_SUCCESS]) > o->max_txn_ops ||
		   json_array_size(t->ops[ETCD_FAILURE]) > o->max_txn_ops) {
		etcd_error_set(&e, ETCD_ERR_TOO_MANY_OPS,
			       "transaction has %zu operations (success) and %zu (failure); the "
			       "server accepts %u per branch",
			       json_array_size(t->ops[ETCD_SUCCESS]),
			       json_array_size(t->ops[ETCD_FAILURE]), o->max_txn_ops);
	}
	if (e.code != ETCD_OK) {
		etcd_txn_free(t);
		x->t = NULL;
		rc = etcd_fail_later(c, &e, cb, arg);
		free(x);
		return rc;
	}
	rc = etcd_call(c, "/v3/kv/txn", etcd_txn_json(t), kind_of(t), 0, atomic_done, x);
	if (rc < 0)
		free_ctx(x);
	return rc;
}
