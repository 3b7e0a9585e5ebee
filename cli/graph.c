/* graph — `kvtectl graph`: the topology as Graphviz DOT.
 *
 * Nodes and links come from the TED (cli/ted_view.h over te-controller/ted.h): one
 * undirected edge per link pair, labelled with each direction's TE metric and its
 * utilisation (reserved / maximum reservable, from te/links/<link>, "0%" without a
 * reservation). Each LSP of te/paths/ that has a path is drawn as directed edges
 * along it in its own colour (the palette cycles), labelled with its name; its
 * bypasses (state up, with a path) are drawn dashed in the same colour. A LSP that is
 * not up is listed in the graph's label. kvtectl_main.c writes it to a file or runs
 * `dot` for SVG/PNG. Deterministic: same state, same bytes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"
#include "cli/ted_view.h"

static const char *const palette[] = { "blue", "darkorange", "forestgreen", "purple",
				       "red3", "deepskyblue4", "goldenrod4", "magenta4" };
#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))

static void quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static unsigned util_pct(const struct cli_state *s, const ted_t *t, uint32_t l)
{
	const struct cli_entry *tl = t->links[l].name[0] ? cli_te_link(s, t->links[l].name) : NULL;
	double max, rsv;

	if (!tl)
		return 0;
	max = json_number_value(json_object_get(tl->value, "max_reservable"));
	rsv = cli_te_link_reserved(tl);
	return max > 0 ? (unsigned)lround(100.0 * rsv / max) : 0;
}

int show_graph(FILE *out, const struct cli_state *s, char *err, size_t errlen)
{
	json_t *invalid = json_array(), *iv;
	const struct cli_entry *e;
	char why[CLI_ERR_LEN];
	size_t i = 0, lsp_no = 0;
	ted_t t;
	int rc = cli_ted_build(s, &t, invalid);

	if (rc < 0) {
		snprintf(err, errlen, "cannot build the TED: %s", strerror(-rc));
		ted_free(&t);
		json_decref(invalid);
		return rc;
	}
	fprintf(out, "digraph kvte {\n");
	fprintf(out, "  graph [layout=neato, overlap=false, splines=true, sep=\"+20\", "
		     "fontname=\"Helvetica\", labelloc=t, label=\"kvte topology: TE metric and "
		     "reserved bandwidth per direction\"];\n");
	fprintf(out, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", "
		     "fontname=\"Helvetica\"];\n");
	fprintf(out, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (uint32_t n = 0; n < t.n_nodes; n++) {
		char rid[ADDR_STRLEN];

		fprintf(out, "  ");
		quoted(out, t.nodes[n].name);
		fprintf(out, " [label=\"%s\\n%s\"%s];\n", t.nodes[n].name,
			addr_is_unset(&t.nodes[n].router_id) ? "" :
			addr_format(&t.nodes[n].router_id, rid, sizeof(rid)),
			t.nodes[n].overload ? ", fillcolor=\"#f7d4d4\"" : "");
	}
	for (uint32_t l = 0; l < t.n_links; l++) {
		const struct ted_link *a = &t.links[l];
		const struct ted_link *b = a->reverse != TED_NONE ? &t.links[a->reverse] : NULL;
		char na[KEYS_LINK_STRLEN + 64], nb[KEYS_LINK_STRLEN + 64];

		if (b && a->reverse < l)
			continue; /* drawn with its partner */
		ted_link_label(&t, l, na, sizeof(na));
		fprintf(out, "  ");
		quoted(out, t.nodes[a->from].name);
		fprintf(out, " -> ");
		quoted(out, t.nodes[a->to].name);
		fprintf(out, " [dir=none, color=gray50, label=\"%s te %u %u%%", na, a->te_metric,
			util_pct(s, &t, l));
		if (b) {
			ted_link_label(&t, a->reverse, nb, sizeof(nb));
			fprintf(out, "\\n%s te %u %u%%", nb, b->te_metric, util_pct(s, &t, a->reverse));
		}
		fprintf(out, "\"];\n");
	}
	while ((e = cli_state_next(s, KEY_TE_PATH, &i))) {
		const char *colour = palette[lsp_no % PALETTE_N];
		const json_t *path, *bp, *hop;
		size_t k;

		if (!cli_entry_ok(e, why, sizeof(why))) {
			cli_json_invalid(invalid, e->rel, why);
			continue;
		}
		path = json_object_get(e->value, "path");
		if (strcmp(cli_str(e->value, "state", ""), "up") != 0 || json_array_size(path) < 2) {
			fprintf(out, "  // %s: %s%s%s\n", e->ki.lsp, cli_str(e->value, "state", "?"),
				cli_str(e->value, "reason", NULL) ? ": " : "",
				cli_str(e->value, "reason", ""));
			continue;
		}
		lsp_no++;
		for (k = 0; k + 1 < json_array_size(path); k++) {
			hop = json_array_get(path, k);
			fprintf(out, "  ");
			quoted(out, cli_str(hop, "node", "?"));
			fprintf(out, " -> ");
			quoted(out, cli_str(json_array_get(path, k + 1), "node", "?"));
			fprintf(out, " [color=%s, fontcolor=%s, penwidth=2.5, label=", colour, colour);
			quoted(out, k == 0 ? e->ki.lsp : "");
			fprintf(out, "];\n");
		}
		json_array_foreach(json_object_get(e->value, "bypasses"), k, bp) {
			const json_t *bpath = json_object_get(bp, "path");

			if (strcmp(cli_str(bp, "state", ""), "up") != 0)
				continue;
			for (size_t h = 0; h + 1 < json_array_size(bpath); h++) {
				const json_t *x = json_array_get(bpath, h), *y = json_array_get(bpath, h + 1);
				char label[KEYS_LINK_STRLEN + KEYS_NAME_MAX + 32];

				fprintf(out, "  ");
				quoted(out, json_is_string(x) ? json_string_value(x) : "?");
				fprintf(out, " -> ");
				quoted(out, json_is_string(y) ? json_string_value(y) : "?");
				snprintf(label, sizeof(label), "bypass %s%s%s", cli_str(bp, "link", "?"),
					 cli_str(bp, "protected_node", NULL) ? " around " : "",
					 cli_str(bp, "protected_node", ""));
				fprintf(out, " [color=%s, fontcolor=%s, style=dashed, label=", colour, colour);
				quoted(out, h == 0 ? label : "");
				fprintf(out, "];\n");
			}
		}
	}
	json_array_foreach(invalid, i, iv) {
		const json_t *v = iv;

		fprintf(out, "  // %s (invalid value: %s)\n", cli_str(v, "key", "?"),
			cli_str(v, "error", "?"));
	}
	fprintf(out, "}\n");
	ted_free(&t);
	json_decref(invalid);
	return 0;
}
