/* cliopt — the command-line value checks every kvte binary shares: decimal integers in
 * a range (no sign, no blanks, no trailing text, no overflow), --log-level / --debug, and
 * the getopt cases and operand check the daemons share.
 * The flag-aware forms print "<prog>: <flag>: expected an integer MIN..MAX, got "X"" on
 * stderr so every daemon words a usage error the same way (and exits 2). Used by
 * speaker_main.c, agent_main.c, controller_main.c, bgp_main.c. */
#ifndef KVTE_LIB_CLIOPT_H
#define KVTE_LIB_CLIOPT_H

#include <stdint.h>
#include <stdio.h>

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

/* The getopt cases every daemon shares, for its switch's default: 'l' (--log-level),
 * 'd' (--debug), 'h' (--help: usage on stdout, exit 0) and anything else (usage on
 * stderr, exit 2). Returns CLIOPT_MORE to go on parsing, else the exit code. */
#define CLIOPT_MORE (-1)
int cliopt_common(const char *prog, int c, const char *arg, void (*usage)(FILE *));
/* After getopt: 0, or 2 after "<prog>: unexpected argument "X"" (and the usage on
 * stderr when usage is not NULL) when an operand is left. */
int cliopt_no_operands(const char *prog, int argc, char **argv, int optind,
		       void (*usage)(FILE *));

#endif
