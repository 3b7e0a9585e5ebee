/* timer — timers as plain data for the speaker's pure cores.
 *
 * A timer is a due time in milliseconds on the caller's clock, or disarmed. Nothing
 * here reads a clock or arms an OS timer: the cores (speaker/adj.c today; flooding
 * later) store isis_timer values, ask which is due at `now`, and report the earliest
 * due time as an action so the event loop (speaker_main.c, libuv) arms one real timer.
 * Tests drive the same code with a fake clock. Style as in OpenBSD's timer_set/
 * timer_stop/timer_nextisdue (STYLE.md: "timers as plain data"). */
#ifndef KVTE_SPEAKER_TIMER_H
#define KVTE_SPEAKER_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define ISIS_TIMER_NEVER UINT64_MAX

struct isis_timer {
	bool armed;
	uint64_t due_ms;
};

/* Arm t to fire `after_ms` after `now` (replacing any earlier due time). */
void isis_timer_set(struct isis_timer *t, uint64_t now, uint64_t after_ms);
void isis_timer_stop(struct isis_timer *t);
/* True if armed and due at or before now. */
bool isis_timer_due(const struct isis_timer *t, uint64_t now);
/* Due time, or ISIS_TIMER_NEVER when disarmed. */
uint64_t isis_timer_when(const struct isis_timer *t);
/* Earliest of two due times (ISIS_TIMER_NEVER if both are). */
uint64_t isis_timer_min(uint64_t a, uint64_t b);

#endif
