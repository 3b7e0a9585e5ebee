/* log — kvte's logging: levels, categories, rate limiting, state-change lines.
 *
 * One line per message on stderr (or a file): "2026-11-22T07:30:00.123Z
 * kvte-speaker[1234] INFO  etcd: endpoint http://127.0.0.1:2379 up". Categories
 * ("etcd", "adj", "flood", ...) let debug output be switched on per concern at run time
 * (log_set_debug("etcd,adj") or "all"). Anything a peer, etcd value or packet can
 * trigger goes through LOG_RL so a storm of bad input costs a few lines plus a
 * "suppressed N" summary. log_state prints the one line per state change STYLE asks
 * for: "adj r2/et1: Initializing -> Up (event hello3way, reason: neighbor saw us)". */
#ifndef KVTE_LIB_LOG_H
#define KVTE_LIB_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Program name shown in every line (its basename; NULL keeps the current one);
 * stream NULL means stderr. Control characters in messages are written as \xNN. */
void log_init(const char *progname, FILE *stream);
void log_set_level(enum log_level lvl);
/* Parse "error"/"warn"/"info"/"debug"; -EINVAL if unknown. */
int log_level_parse(const char *s, enum log_level *out);
/* Comma-separated categories that print at debug level, or "all"; "" turns off. */
void log_set_debug(const char *categories);
bool log_enabled(enum log_level lvl, const char *cat);

void log_msg(enum log_level lvl, const char *cat, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(cat, ...) log_msg(LOG_LVL_ERROR, cat, __VA_ARGS__)
#define log_warn(cat, ...) log_msg(LOG_LVL_WARN, cat, __VA_ARGS__)
#define log_info(cat, ...) log_msg(LOG_LVL_INFO, cat, __VA_ARGS__)
#define log_debug(cat, ...)                                                   \
	do {                                                                  \
		if (log_enabled(LOG_LVL_DEBUG, cat))                          \
			log_msg(LOG_LVL_DEBUG, cat, __VA_ARGS__);             \
	} while (0)

/* A rate limiter: at most `burst` lines per `interval_ms`; then one
 * "(suppressed N similar messages)" line, before the first message of the next window
 * (a window opens at the first call after interval_ms, or if the clock went back).
 * Messages whose level and category are disabled are not counted. */
struct log_ratelimit {
	uint32_t interval_ms, burst;
	uint64_t window_start_ms;
	uint32_t printed, suppressed;
};
#define LOG_RATELIMIT_INIT(interval_ms, burst) { (interval_ms), (burst), 0, 0, 0 }

void log_msg_rl(struct log_ratelimit *rl, enum log_level lvl, const char *cat,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Per call site limiter: 10 lines per 5 s. */
#define LOG_RL(lvl, cat, ...)                                                 \
	do {                                                                  \
		static struct log_ratelimit log_rl_ = LOG_RATELIMIT_INIT(5000, 10); \
		log_msg_rl(&log_rl_, lvl, cat, __VA_ARGS__);                  \
	} while (0)

/* "<object>: <old> -> <new> (event <event>, reason: <reason>)" at INFO. event and
 * reason may be NULL. */
void log_state(const char *cat, const char *object, const char *old_state,
	       const char *new_state, const char *event, const char *reason);

/* Monotonic milliseconds, used by the rate limiter; tests may override the clock. */
uint64_t log_now_ms(void);
void log_set_clock(uint64_t (*now_ms)(void));

#endif
