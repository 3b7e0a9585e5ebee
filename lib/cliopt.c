/* cliopt — shared command-line value checks (see lib/cliopt.h). */
#include "lib/cliopt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/log.h"

int cliopt_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		      unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cliopt_uint(const char *prog, const char *flag, const char *s, unsigned long long min,
		unsigned long long max, unsigned long long *out)
{
	if (cliopt_parse_uint(s, min, max, out) == 0)
		return 0;
	fprintf(stderr, "%s: %s: expected an integer %llu..%llu, got \"%s\"\n", prog, flag, min,
		max, s ? s : "");
	return -1;
}

int cliopt_u32(const char *prog, const char *flag, const char *s, uint32_t min, uint32_t max,
	       uint32_t *out)
{
	unsigned long long v;

	if (cliopt_uint(prog, flag, s, min, max, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int cliopt_log_level(const char *prog, const char *s)
{
	enum log_level lvl;

	if (log_level_parse(s, &lvl) < 0) {
		fprintf(stderr, "%s: --log-level: expected error, warn, info or debug, got \"%s\"\n",
			prog, s ? s : "");
		return -1;
	}
	log_set_level(lvl);
	return 0;
}

void cliopt_debug(const char *cats)
{
	log_set_debug(cats);
	log_set_level(LOG_LVL_DEBUG);
}

int cliopt_common(const char *prog, int c, const char *arg, void (*usage)(FILE *))
{
	switch (c) {
	case 'l':
		return cliopt_log_level(prog, arg) < 0 ? 2 : CLIOPT_MORE;
	case 'd':
		cliopt_debug(arg);
		return CLIOPT_MORE;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

int cliopt_no_operands(const char *prog, int argc, char **argv, int optind,
		       void (*usage)(FILE *))
{
	if (optind >= argc)
		return 0;
	fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[optind]);
	if (usage)
		usage(stderr);
	return 2;
}
