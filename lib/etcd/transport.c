/* transport — libcurl's multi interface driven by a libuv loop.
 *
 * One CURLM per client. libcurl tells us which sockets to watch (socket callback ->
 * one uv_poll_t per socket) and when to call it back (timer callback -> one
 * uv_timer_t); libuv tells us when a socket is ready and we hand that to
 * curl_multi_socket_action. Our own callbacks (streamed data, completed transfers) are
 * called only after libcurl has returned, never from inside its callbacks, so they may
 * start or stop transfers freely. HTTP/1.1 with keep-alive (connections are reused
 * from the multi handle's cache), TCP keep-alive on every socket so a dead peer ends a
 * long watch stream. Used by client.c (unary requests) and watch.c (streams). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"

struct poll_ctx {
	uv_poll_t poll;
	struct etcd_transport *t;
	curl_socket_t fd;
	struct poll_ctx *next, *prev;
};

struct etcd_transport {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	struct etcd_xfer *pending; /* streaming transfers with unread data */
	struct poll_ctx *polls;
	unsigned open_handles;
	bool closing;
	void (*closed)(void *);
	void *closed_arg;
};

static void process(struct etcd_transport *t);

static void maybe_finish_close(struct etcd_transport *t)
{
	if (!t->closing || t->open_handles > 0)
		return;
	if (t->closed)
		t->closed(t->closed_arg);
	free(t);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct etcd_transport *t = h->data;

	if ((uv_handle_t *)&t->timer != h)
		free(container_of((uv_poll_t *)h, struct poll_ctx, poll));
	t->open_handles--;
	maybe_finish_close(t);
}

static void close_poll(struct etcd_transport *t, struct poll_ctx *pc)
{
	if (pc->prev)
		pc->prev->next = pc->next;
	else
		t->polls = pc->next;
	if (pc->next)
		pc->next->prev = pc->prev;
	uv_poll_stop(&pc->poll);
	uv_close((uv_handle_t *)&pc->poll, on_handle_closed);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct poll_ctx *pc = container_of(h, struct poll_ctx, poll);
	struct etcd_transport *t = pc->t;
	curl_socket_t fd = pc->fd; /* pc may be closed inside socket_action */
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	curl_multi_socket_action(t->multi, fd, flags, &running);
	process(t);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct etcd_transport *t = userp;
	struct poll_ctx *pc = socketp;
	int events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (pc) {
			curl_multi_assign(t->multi, s, NULL);
			close_poll(t, pc);
		}
		return 0;
	}
	if (!pc) {
		pc = calloc(1, sizeof(*pc));
		if (!pc)
			return -1;
		if (uv_poll_init_socket(t->loop, &pc->poll, s) < 0) {
			free(pc);
			return -1;
		}
		pc->poll.data = t;
		pc->t = t;
		pc->fd = s;
		pc->next = t->polls;
		if (t->polls)
			t->polls->prev = pc;
		t->polls = pc;
		t->open_handles++;
		curl_multi_assign(t->multi, s, pc);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&pc->poll, events, on_poll);
	return 0;
}

static void on_timeout(uv_timer_t *h)
{
	struct etcd_transport *t = h->data;
	int running;

	curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	process(t);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct etcd_transport *t = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&t->timer);
	else /* 0 means "now": let the loop come round rather than recursing */
		uv_timer_start(&t->timer, on_timeout, (uint64_t)timeout_ms, 0);
	return 0;
}

static void pending_remove(struct etcd_transport *t, struct etcd_xfer *x)
{
	struct etcd_xfer **pp;

	if (!x->data_pending)
		return;
	for (pp = &t->pending; *pp; pp = &(*pp)->pending_next) {
		if (*pp == x) {
			*pp = x->pending_next;
			break;
		}
	}
	x->data_pending = false;
	x->pending_next = NULL;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct etcd_xfer *x = userdata;
	size_t n = size * nmemb;

	if (x->resp_len + n + 1 > x->resp_cap) {
		size_t cap = x->resp_cap ? x->resp_cap : 1024;
		char *p;

		while (cap < x->resp_len + n + 1)
			cap *= 2;
		p = realloc(x->resp, cap);
		if (!p)
			return 0;
		x->resp = p;
		x->resp_cap = cap;
	}
	memcpy(x->resp + x->resp_len, ptr, n);
	x->resp_len += n;
	x->resp[x->resp_len] = '\0';
	if (x->streaming && !x->data_pending) {
		x->data_pending = true;
		x->pending_next = x->t->pending;
		x->t->pending = x;
	}
	return n;
}

/* Everything that calls out to owners happens here, after libcurl returned. */
static void process(struct etcd_transport *t)
{
	CURLMsg *msg;
	int left;

	while (t->pending && !t->closing) {
		struct etcd_xfer *x = t->pending;

		t->pending = x->pending_next;
		x->pending_next = NULL;
		x->data_pending = false;
		x->data_fn(x);
	}
	while (!t->closing && (msg = curl_multi_info_read(t->multi, &left))) {
		struct etcd_xfer *x = NULL;
		CURL *easy = msg->easy_handle;
		CURLcode cc = msg->data.result;
		long status = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(t->multi, easy);
		x->active = false;
		pending_remove(t, x); /* done_fn reads what is left */
		x->done_fn(x, cc, status);
	}
}

int etcd_transport_new(uv_loop_t *loop, struct etcd_transport **out)
{
	struct etcd_transport *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->loop = loop;
	t->multi = curl_multi_init();
	if (!t->multi) {
		free(t);
		return -ENOMEM;
	}
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	t->open_handles = 1;
	curl_multi_setopt(t->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(t->multi, CURLMOPT_SOCKETDATA, t);
	curl_multi_setopt(t->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(t->multi, CURLMOPT_TIMERDATA, t);
	curl_multi_setopt(t->multi, CURLMOPT_MAXCONNECTS, 64L);
	*out = t;
	return 0;
}

void etcd_transport_close(struct etcd_transport *t, void (*closed)(void *), void *arg)
{
	t->closing = true;
	t->closed = closed;
	t->closed_arg = arg;
	t->pending = NULL;
	uv_timer_stop(&t->timer);
	/* Closes cached connections; libcurl reports their sockets as removed. */
	curl_multi_cleanup(t->multi);
	t->multi = NULL;
	while (t->polls)
		close_poll(t, t->polls);
	uv_close((uv_handle_t *)&t->timer, on_handle_closed);
}

int etcd_xfer_start(struct etcd_transport *t, struct etcd_xfer *x, const char *url,
		    char *body, size_t body_len, const char *token,
		    const struct etcd_tls *tls, long connect_timeout_ms, long timeout_ms)
{
	char auth[1024];

	memset(&x->easy, 0, sizeof(*x) - offsetof(struct etcd_xfer, easy));
	x->t = t;
	x->body = body;
	x->easy = curl_easy_init();
	if (!x->easy)
		goto fail;
	x->headers = curl_slist_append(NULL, "Content-Type: application/json");
	x->headers = curl_slist_append(x->headers, "Expect:");
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: %s", token);
		x->headers = curl_slist_append(x->headers, auth);
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPIDLE, 10L);
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPINTVL, 5L);
	curl_easy_setopt(x->easy, CURLOPT_TCP_NODELAY, 1L);
	if (tls && tls->ca_file)
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, tls->ca_file);
	if (tls && tls->cert_file)
		curl_easy_setopt(x->easy, CURLOPT_SSLCERT, tls->cert_file);
	if (tls && tls->key_file)
		curl_easy_setopt(x->easy, CURLOPT_SSLKEY, tls->key_file);
	if (curl_multi_add_handle(t->multi, x->easy) != CURLM_OK)
		goto fail;
	x->active = true;
	return 0;
fail:
	etcd_xfer_release(x);
	return -ENOMEM;
}

void etcd_xfer_release(struct etcd_xfer *x)
{
	if (x->t)
		pending_remove(x->t, x);
	if (x->active && x->t->multi)
		curl_multi_remove_handle(x->t->multi, x->easy);
	x->active = false;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	x->easy = NULL;
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	free(x->body);
	x->body = NULL;
	free(x->resp);
	x->resp = NULL;
	x->resp_len = x->resp_cap = 0;
}
