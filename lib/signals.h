/* signals — how every kvte daemon stops and takes other signals, on its libuv loop.
 * SIGINT and SIGTERM log "<signal>: stopping" once and call the daemon's stop function
 * (which closes its etcd client, revokes its leases, ...); further signals are ignored
 * while it stops; when the daemon has finished stopping it calls signals_close, after
 * which the loop can end. Other signals (SIGHUP reload, SIGUSR1 dump) get their own
 * handlers. Used by speaker_main.c, agent_main.c, controller_main.c, bgp_main.c. */
#ifndef KVTE_LIB_SIGNALS_H
#define KVTE_LIB_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#define SIGNALS_MAX 6

struct signals {
	uv_signal_t h[SIGNALS_MAX];
	size_t n;
	const char *cat;		/* log category */
	void (*stop)(void *arg);
	void *arg;
	bool stopping;
};

/* Watch SIGINT and SIGTERM; stop(arg) runs on the first one. */
void signals_init(struct signals *s, uv_loop_t *loop, const char *cat, void (*stop)(void *arg),
		  void *arg);
/* One more signal with its own callback (h->data = data). 0, or -ENOSPC. */
int signals_add(struct signals *s, int signum, uv_signal_cb cb, void *data);
/* Stop watching (no more callbacks), e.g. when the daemon stops for another reason. */
void signals_stop(struct signals *s);
/* Close every handle (after signals_stop or a stop signal). */
void signals_close(struct signals *s);

#endif
