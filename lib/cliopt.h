/* cliopt — the command-line value checks every kvte binary shares: decimal integers in
 * a range (no sign, no blanks, no trailing text, no overflow) and --log-level / --debug.
 * The flag-aware forms print "<prog>: <flag>: expected an integer MIN..MAX, got "X"" on
 * stderr so every daemon words a usage error the same way (and exits 2). Used by
 * speaker_main.c, agent_main.c, controller_main.c, bgp_main.c. */
#ifndef KVTE_LIB_CLIOPT_H
#define KVTE_LIB_CLIOPT_H

#include <stdint.h>

/* 0 with *out, or -EINVAL (out untouched). */
int cliopt_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		      unsigned long long *out);
/* The same for a flag: -1 after the message on stderr. */
int cliopt_uint(const char *prog, const char *flag, const char *s, unsigned long long min,
		unsigned long long max, unsigned long long *out);
int cliopt_u32(const char *prog, const char *flag, const char *s, uint32_t min, uint32_t max,
	       uint32_t *out);
/* --log-level LEVEL: sets it, or -1 after the message. */
int cliopt_log_level(const char *prog, const char *s);
/* --debug CATS: those categories at debug level. */
void cliopt_debug(const char *cats);

#endif
