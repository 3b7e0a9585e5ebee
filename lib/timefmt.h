/* timefmt — wall-clock time and its one text form in kvte's values and logs: RFC 3339
 * UTC with milliseconds, "2026-11-22T07:30:00.123Z" (the schemas' "timestamp"). Used by
 * every daemon for the timestamps it writes to etcd (started, since, up_since,
 * learned_at ...) and by lib/log.c for log lines. Pure apart from time_wall_ms. */
#ifndef KVTE_LIB_TIMEFMT_H
#define KVTE_LIB_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIME_RFC3339_LEN 25	/* "2026-11-22T07:30:00.123Z" + NUL */

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
uint64_t time_wall_ms(void);
/* Format unix_ms. Returns buf, or NULL (buf holds "" when len > 0) if len <
 * TIME_RFC3339_LEN or the year is past 9999. */
char *time_rfc3339(uint64_t unix_ms, char *buf, size_t len);
/* time_rfc3339(time_wall_ms()). */
char *time_now_rfc3339(char *buf, size_t len);

#endif
