/* log — kvte's logger: one line per message, "2026-11-22T07:30:00.123Z prog[pid] LEVEL
 * cat: message" (UTC, milliseconds, level padded to 5), written with a single fprintf
 * and flushed so lines from several processes sharing a file do not interleave. Holds
 * the process-wide settings (program name, stream, level, debug categories, clock),
 * the per-call-site rate limiter behind LOG_RL and the state-change line of
 * log_state. Control characters in messages (which may quote peer or etcd input) are
 * written as \xNN so one call is always one line. Implements lib/log.h; used by every
 * daemon, kvtectl and lib/ itself. Settings are not thread-safe: set them at startup
 * or from the loop thread. */
#include "lib/log.h"
#include "lib/timefmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static char log_prog[64] = "kvte";
static FILE *log_stream; /* NULL: stderr */
static enum log_level log_level = LOG_LVL_INFO;
static bool log_debug_all;
static char *log_debug_cats; /* ",etcd,adj," or NULL */
static uint64_t (*log_clock)(void);

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "ERROR",
	[LOG_LVL_WARN] = "WARN",
	[LOG_LVL_INFO] = "INFO",
	[LOG_LVL_DEBUG] = "DEBUG",
};

void log_init(const char *progname, FILE *stream)
{
	const char *base;

	if (progname && *progname) {
		base = strrchr(progname, '/');
		base = base && base[1] ? base + 1 : progname;
		snprintf(log_prog, sizeof(log_prog), "%s", base);
	}
	log_stream = stream;
}

void log_set_level(enum log_level lvl)
{
	if (lvl >= LOG_LVL_ERROR && lvl <= LOG_LVL_DEBUG)
		log_level = lvl;
}

int log_level_parse(const char *s, enum log_level *out)
{
	if (!s || !out)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Keeps the list as ",a,b," so a lookup is one strstr of ",cat,". Names are trimmed
 * of blanks; empty names are skipped. */
void log_set_debug(const char *categories)
{
	const char *p = categories;
	char *list;
	size_t n = 1;

	free(log_debug_cats);
	log_debug_cats = NULL;
	log_debug_all = false;
	if (!categories || !*categories)
		return;
	list = malloc(strlen(categories) + 3); /* ",", names and ",", NUL */
	if (!list)
		return;
	list[0] = ',';
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 3 && strncmp(p, "all", 3) == 0)
			log_debug_all = true;
		if (len > 0) {
			memcpy(list + n, p, len);
			n += len;
			list[n++] = ',';
		}
		if (!end)
			break;
		p = end + 1;
	}
	list[n] = '\0';
	if (n > 1)
		log_debug_cats = list;
	else
		free(list);
}

static bool category_enabled(const char *cat)
{
	const char *p;
	size_t len;

	if (log_debug_all)
		return true;
	if (!log_debug_cats || !cat || !*cat || strchr(cat, ','))
		return false;
	len = strlen(cat);
	for (p = strstr(log_debug_cats, cat); p; p = strstr(p + 1, cat)) {
		if (p[-1] == ',' && p[len] == ',')
			return true;
	}
	return false;
}

bool log_enabled(enum log_level lvl, const char *cat)
{
	if (lvl <= log_level)
		return true;
	return lvl == LOG_LVL_DEBUG && category_enabled(cat);
}

/* Copy src to dst (capacity cap >= 1), control bytes written as \xNN, never cutting
 * an escape in half. Returns the number of bytes written before the NUL. */
static size_t escape_into(char *dst, size_t cap, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		if (*s < 0x20 || *s == 0x7f) {
			if (n + 4 >= cap)
				break;
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[*s >> 4];
			dst[n++] = hex[*s & 0xf];
		} else {
			if (n + 1 >= cap)
				break;
			dst[n++] = (char)*s;
		}
	}
	dst[n] = '\0';
	return n;
}

static void format_time(char *buf, size_t len)
{
	if (!time_now_rfc3339(buf, len))
		snprintf(buf, len, "0000-00-00T00:00:00.000Z");
}

/* Writes one line. The message is formatted into a stack buffer, or the heap when it
 * is longer; on allocation failure the line is truncated rather than lost. */
static void log_vemit(enum log_level lvl, const char *cat, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void log_vemit(enum log_level lvl, const char *cat, const char *fmt, va_list ap)
{
	char stack_msg[512], stack_out[2048], ts[64];
	char *msg = stack_msg, *out = stack_out;
	size_t out_cap = sizeof(stack_out);
	FILE *f = log_stream ? log_stream : stderr;
	const char *lname;
	va_list ap2;
	int n;

	if (!fmt)
		fmt = "(null)";
	va_copy(ap2, ap);
	n = vsnprintf(stack_msg, sizeof(stack_msg), fmt, ap);
	if (n < 0) {
		stack_msg[0] = '\0';
	} else if ((size_t)n >= sizeof(stack_msg)) {
		char *heap = malloc((size_t)n + 1);

		if (heap) {
			vsnprintf(heap, (size_t)n + 1, fmt, ap2);
			msg = heap;
		}
	}
	va_end(ap2);

	if (strlen(msg) * 4 + 1 > out_cap) {
		char *heap = malloc(strlen(msg) * 4 + 1);

		if (heap) {
			out = heap;
			out_cap = strlen(msg) * 4 + 1;
		}
	}
	escape_into(out, out_cap, msg);

	lname = (lvl >= LOG_LVL_ERROR && lvl <= LOG_LVL_DEBUG) ? level_names[lvl] : "?";
	format_time(ts, sizeof(ts));
	if (cat && *cat)
		fprintf(f, "%s %s[%ld] %-5s %s: %s\n", ts, log_prog, (long)getpid(), lname,
			cat, out);
	else
		fprintf(f, "%s %s[%ld] %-5s %s\n", ts, log_prog, (long)getpid(), lname, out);
	fflush(f);

	if (msg != stack_msg)
		free(msg);
	if (out != stack_out)
		free(out);
}

void log_msg(enum log_level lvl, const char *cat, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(lvl, cat))
		return;
	va_start(ap, fmt);
	log_vemit(lvl, cat, fmt, ap);
	va_end(ap);
}

/* log_msg without the level check (the caller has made it). */
static void log_emit_str(enum log_level lvl, const char *cat, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_emit_str(enum log_level lvl, const char *cat, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(lvl, cat, fmt, ap);
	va_end(ap);
}

/* A window opens at the first call, and again at the first call `interval_ms` or more
 * after the previous opening (or if the clock went backwards). The "suppressed" line
 * for the closed window is printed then, before the new message. Calls whose level and
 * category are not enabled neither print nor count. */
void log_msg_rl(struct log_ratelimit *rl, enum log_level lvl, const char *cat,
		const char *fmt, ...)
{
	uint64_t now;
	va_list ap;

	if (!log_enabled(lvl, cat))
		return;
	if (rl) {
		now = log_now_ms();
		if ((rl->window_start_ms == 0 && rl->printed == 0 && rl->suppressed == 0) ||
		    now < rl->window_start_ms || now - rl->window_start_ms >= rl->interval_ms) {
			if (rl->suppressed > 0)
				log_emit_str(lvl, cat, "(suppressed %" PRIu32
					     " similar messages)", rl->suppressed);
			rl->window_start_ms = now;
			rl->printed = 0;
			rl->suppressed = 0;
		}
		if (rl->printed >= rl->burst) {
			if (rl->suppressed < UINT32_MAX)
				rl->suppressed++;
			return;
		}
		rl->printed++;
	}
	va_start(ap, fmt);
	log_vemit(lvl, cat, fmt, ap);
	va_end(ap);
}

void log_state(const char *cat, const char *object, const char *old_state,
	       const char *new_state, const char *event, const char *reason)
{
	const char *o = object ? object : "?";
	const char *from = old_state ? old_state : "?";
	const char *to = new_state ? new_state : "?";

	if (event && reason)
		log_msg(LOG_LVL_INFO, cat, "%s: %s -> %s (event %s, reason: %s)", o, from,
			to, event, reason);
	else if (event)
		log_msg(LOG_LVL_INFO, cat, "%s: %s -> %s (event %s)", o, from, to, event);
	else if (reason)
		log_msg(LOG_LVL_INFO, cat, "%s: %s -> %s (reason: %s)", o, from, to, reason);
	else
		log_msg(LOG_LVL_INFO, cat, "%s: %s -> %s", o, from, to);
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t log_now_ms(void)
{
	return log_clock ? log_clock() : monotonic_ms();
}

void log_set_clock(uint64_t (*now_ms)(void))
{
	log_clock = now_ms;
}
