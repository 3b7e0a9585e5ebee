/* show — kvtectl's pure formatting core: each command turns a cli_state (cli/state.h)
 * into text or JSON on a FILE, and the LSP request builder and watch line formatter
 * that `lsp add` and `watch` use.
 *
 * Files: show_isis.c (show isis database / neighbors), show_ted.c (show ted), show_route.c
 * (show route NODE), show_lsp.c (show lsp), show_bgp.c (show bgp), graph.c (graph),
 * lsp_args.c (lsp add flags -> config/lsps value), watch_fmt.c (one line per watch
 * event), check.c (value shape checks). Every function is pure and deterministic (no
 * clock, no etcd): the same state gives the same bytes, which is what
 * tests/golden/kvtectl/ holds. The --json forms print one JSON value: lists of stored
 * values exactly as stored (so they validate under their schemas), plus an "invalid"
 * list of {key, error} when some values could not be read.
 *
 * Return values: 0, or -ENOENT when the named node / LSP does not exist, with the
 * message (without "kvtectl: ") in err. */
#ifndef KVTE_CLI_SHOW_H
#define KVTE_CLI_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/state.h"

struct show_opts {
	const char *name; /* NODE or LSP name, NULL for all */
	bool detail;
	bool json;
};

/* The value's fields have the types the show commands expect (see check.c). */
bool cli_entry_ok(const struct cli_entry *e, char *why, size_t len);

/* Is `node` known: a speaker, an LSP hostname, or any per-node key names it. */
bool cli_node_known(const struct cli_state *s, const char *node);
int cli_no_node(const struct cli_state *s, const char *node, char *err, size_t errlen);

int show_isis_database(FILE *out, const struct cli_state *s, const struct show_opts *o,
		       char *err, size_t errlen);
int show_isis_neighbors(FILE *out, const struct cli_state *s, const struct show_opts *o,
			char *err, size_t errlen);
int show_ted(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen);
int show_route(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	       size_t errlen);
int show_lsp(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen);
int show_bgp(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen);
/* Graphviz DOT of the topology, link TE metrics and utilisation, LSP paths and
 * bypasses. */
int show_graph(FILE *out, const struct cli_state *s, char *err, size_t errlen);

/* `lsp add NAME --from A ...`: argv holds the flags after NAME. Builds the
 * config/lsps value and validates it with validate_lsp_request. Returns 0 with *out
 * (new reference), -EINVAL for an unknown flag or a flag without its argument (usage
 * error), -EDOM when the value breaks a rule (err says which); *replace tells whether
 * --replace was given. */
int lsp_args_build(int argc, char **argv, json_t **out, bool *replace, char *err,
		   size_t errlen);

/* One watch event as a line: "<stamp> PUT te/paths/r1-to-r4 state up path r1 r2 r4\n".
 * is_delete: a DELETE (value ignored). */
void watch_format(FILE *out, const keys_t *k, const char *stamp, bool is_delete,
		  const char *key, size_t key_len, const char *value, size_t value_len);

#endif
