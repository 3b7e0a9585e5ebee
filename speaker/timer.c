/* timer — timers as plain data: due times on the caller's clock (speaker/timer.h).
 * Used by speaker/adj.c; the event loop turns the earliest due time into one real
 * timer, tests pass a fake `now`. */
#include "speaker/timer.h"

void isis_timer_set(struct isis_timer *t, uint64_t now, uint64_t after_ms)
{
	t->armed = true;
	t->due_ms = (after_ms > ISIS_TIMER_NEVER - 1 - now) ? ISIS_TIMER_NEVER - 1
							      : now + after_ms;
}

void isis_timer_stop(struct isis_timer *t)
{
	t->armed = false;
	t->due_ms = 0;
}

bool isis_timer_due(const struct isis_timer *t, uint64_t now)
{
	return t->armed && t->due_ms <= now;
}

uint64_t isis_timer_when(const struct isis_timer *t)
{
	return t->armed ? t->due_ms : ISIS_TIMER_NEVER;
}

uint64_t isis_timer_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
