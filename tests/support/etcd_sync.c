/* etcd_sync — synchronous wrappers over the async etcd client for tests (see
 * etcd_sync.h). Works with lib/etcd/ and a uv_loop_t owned by the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "tests/support/etcd_sync.h"

void sync_cb(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct sync_result *r = arg;
	size_t i;

	(void)c;
	sync_clear(r);
	r->done = true;
	r->code = res->err.code;
	snprintf(r->msg, sizeof(r->msg), "%s", res->err.msg);
	r->revision = res->revision;
	r->count = res->count;
	r->deleted = res->deleted;
	r->lease_id = res->lease_id;
	r->ttl = res->ttl;
	r->succeeded = res->succeeded;
	r->more = res->more;
	r->n_txns = res->n_txns;
	r->n_kvs = res->n_kvs;
	r->n_responses = res->n_responses;
	r->n_prev_kvs = res->n_prev_kvs;
	if (res->n_kvs) {
		r->keys = calloc(res->n_kvs, sizeof(char *));
		r->values = calloc(res->n_kvs, sizeof(char *));
		r->mod_revisions = calloc(res->n_kvs, sizeof(int64_t));
		for (i = 0; i < res->n_kvs; i++) {
			r->keys[i] = strdup(res->kvs[i].key);
			r->values[i] = strdup(res->kvs[i].value);
			r->mod_revisions[i] = res->kvs[i].mod_revision;
		}
	}
	if (res->n_prev_kvs)
		r->prev_value = strdup(res->prev_kvs[0].value);
	if (res->n_responses)
		r->first_response_kvs = res->responses[0].n_kvs;
}

void sync_clear(struct sync_result *r)
{
	size_t i;

	for (i = 0; i < r->n_kvs; i++) {
		free(r->keys[i]);
		free(r->values[i]);
	}
	free(r->keys);
	free(r->values);
	free(r->mod_revisions);
	free(r->prev_value);
	memset(r, 0, sizeof(*r));
}

struct deadline {
	bool fired;
	const bool *flag;
};

static void on_deadline(uv_timer_t *t)
{
	((struct deadline *)t->data)->fired = true;
}

/* Runs before the loop blocks in poll: if a callback run by a timer already set the
 * flag, do not block (UV_RUN_ONCE would otherwise sleep until the next event). */
static void on_prepare(uv_prepare_t *p)
{
	struct deadline *d = p->data;

	if (*d->flag || d->fired)
		uv_stop(p->loop);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

bool run_until(uv_loop_t *loop, const bool *flag, unsigned timeout_ms)
{
	uv_timer_t t;
	uv_prepare_t p;
	struct deadline d = { false, flag };

	uv_timer_init(loop, &t);
	t.data = &d;
	uv_timer_start(&t, on_deadline, timeout_ms, 0);
	uv_prepare_init(loop, &p);
	p.data = &d;
	uv_prepare_start(&p, on_prepare);
	while (!*flag && !d.fired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, on_closed);
	uv_close((uv_handle_t *)&p, on_closed);
	uv_run(loop, UV_RUN_NOWAIT);
	return *flag;
}

void run_for(uv_loop_t *loop, unsigned ms)
{
	bool never = false;

	run_until(loop, &never, ms);
}

bool sync_wait(uv_loop_t *loop, struct sync_result *r, unsigned timeout_ms)
{
	return run_until(loop, &r->done, timeout_ms);
}

etcd_client *test_client(uv_loop_t *loop, const char *endpoints,
			 const struct etcd_client_opts *opts)
{
	struct etcd_client_opts o = { 0 };
	etcd_client *c = NULL;
	char err[256];

	if (opts)
		o = *opts;
	o.endpoints = endpoints;
	if (!o.name)
		o.name = "test";
	if (etcd_client_new(loop, &o, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "test_client: %s\n", err);
		return NULL;
	}
	return c;
}

static void set_flag(void *arg)
{
	*(bool *)arg = true;
}

int test_client_close(uv_loop_t *loop, etcd_client *c)
{
	bool closed = false;

	etcd_client_close(c, set_flag, &closed);
	run_until(loop, &closed, 5000);
	return closed ? 0 : -1;
}

static FILE *cap_f;
static char *cap_buf;
static size_t cap_len;

void log_capture_start(void)
{
	log_capture_stop();
	cap_f = open_memstream(&cap_buf, &cap_len);
	if (cap_f)
		log_init(NULL, cap_f);
}

const char *log_capture_text(void)
{
	if (cap_f)
		fflush(cap_f);
	return cap_buf ? cap_buf : "";
}

void log_capture_stop(void)
{
	if (cap_f) {
		log_init(NULL, NULL);
		fclose(cap_f);
		cap_f = NULL;
	}
	if (cap_buf)
		fputs(cap_buf, stderr);
	free(cap_buf);
	cap_buf = NULL;
	cap_len = 0;
}
