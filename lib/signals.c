/* signals — stop on SIGINT/SIGTERM once, other signals to their handlers (see
 * lib/signals.h). */
#include "lib/signals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "lib/log.h"

static void on_stop(uv_signal_t *h, int signum)
{
	struct signals *s = h->data;

	if (s->stopping)
		return;
	log_info(s->cat, "%s: stopping", strsignal(signum));
	signals_stop(s);
	if (s->stop)
		s->stop(s->arg);
}

static void add(struct signals *s, uv_loop_t *loop, int signum, uv_signal_cb cb, void *data)
{
	uv_signal_t *h = &s->h[s->n++];

	uv_signal_init(loop, h);
	h->data = data;
	uv_signal_start(h, cb, signum);
}

void signals_init(struct signals *s, uv_loop_t *loop, const char *cat, void (*stop)(void *arg),
		  void *arg)
{
	memset(s, 0, sizeof(*s));
	s->cat = cat;
	s->stop = stop;
	s->arg = arg;
	add(s, loop, SIGINT, on_stop, s);
	add(s, loop, SIGTERM, on_stop, s);
}

int signals_add(struct signals *s, int signum, uv_signal_cb cb, void *data)
{
	if (s->n == SIGNALS_MAX)
		return -ENOSPC;
	add(s, s->h[0].loop, signum, cb, data);
	return 0;
}

void signals_stop(struct signals *s)
{
	s->stopping = true;
	for (size_t i = 0; i < s->n; i++)
		uv_signal_stop(&s->h[i]);
}

void signals_close(struct signals *s)
{
	signals_stop(s);
	for (size_t i = 0; i < s->n; i++)
		if (!uv_is_closing((uv_handle_t *)&s->h[i]))
			uv_close((uv_handle_t *)&s->h[i], NULL);
}
