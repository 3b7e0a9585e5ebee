/* ted_view — the TED (te-controller/ted.h) built from a cli_state, and the per-link
 * lookups `show ted` and `graph` share. Implemented in cli/show_ted.c. */
#ifndef KVTE_CLI_TED_VIEW_H
#define KVTE_CLI_TED_VIEW_H

#include "cli/state.h"
#include "te-controller/ted.h"

/* Build and commit a TED from ted/lsp/ and speakers/; values it rejects are appended
 * to `invalid` as {key, error}. Returns ted_commit's result; free with ted_free. */
int cli_ted_build(const struct cli_state *s, ted_t *t, json_t *invalid);
/* te/links/<name> when present and well-formed, else NULL. */
const struct cli_entry *cli_te_link(const struct cli_state *s, const char *name);
/* Sum of its reserved[] (bits/s). */
double cli_te_link_reserved(const struct cli_entry *tl);
/* Admin group mask as names from config/admin-groups ("red,bit5"), "-" for 0. */
char *cli_admin_groups(const struct cli_state *s, uint32_t mask);

#endif
