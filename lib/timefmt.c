/* timefmt — RFC 3339 UTC timestamps with milliseconds (see lib/timefmt.h). */
#include "lib/timefmt.h"

#include <stdio.h>
#include <time.h>

uint64_t time_wall_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

char *time_rfc3339(uint64_t unix_ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t;
	int n;

	if (buf && len)
		buf[0] = 0;
	if (!buf || len < TIME_RFC3339_LEN || unix_ms / 1000 > 253402300799ull)
		return NULL;	/* beyond 9999-12-31T23:59:59Z */
	t = (time_t)(unix_ms / 1000);
	if (!gmtime_r(&t, &tm))
		return NULL;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned)(unix_ms % 1000));
	if (n < 0 || (size_t)n >= len) {
		buf[0] = 0;
		return NULL;
	}
	return buf;
}

char *time_now_rfc3339(char *buf, size_t len)
{
	return time_rfc3339(time_wall_ms(), buf, len);
}
