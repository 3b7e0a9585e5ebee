/* show_bgp — `kvtectl show bgp`: the external routes the border nodes learned, from
 * bgp/routes/<prefix>/<node> (schemas/bgp-route.schema.json), grouped by prefix (one
 * row per border node holding it: its best path from its external peers), with peer
 * and AS, external and protocol next hop, origin, AS path, MED, local preference and
 * communities. Prefixes in address order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"

struct bgp_row { const struct cli_entry *e; };

static int row_cmp(const void *a, const void *b)
{
	const struct cli_entry *x = ((const struct bgp_row *)a)->e;
	const struct cli_entry *y = ((const struct bgp_row *)b)->e;
	int c = prefix_cmp(&x->ki.prefix, &y->ki.prefix);

	return c ? c : strcmp(x->ki.node, y->ki.node);
}

int show_bgp(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen)
{
	json_t *list = json_array(), *invalid = json_array();
	struct bgp_row *rows = calloc(s->n ? s->n : 1, sizeof(*rows));
	const struct cli_entry *e;
	struct cli_table t;
	char why[CLI_ERR_LEN];
	size_t i = 0, n = 0;

	(void)err, (void)errlen;
	if (!rows) {
		json_decref(list), json_decref(invalid);
		return -ENOMEM;
	}
	while ((e = cli_state_next(s, KEY_BGP_ROUTE, &i))) {
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (o->json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "%s (invalid value: %s)\n", e->rel, why);
			continue;
		}
		rows[n++].e = e;
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	cli_table_init(&t, 10, 0);
	cli_table_cell(&t, "Prefix");
	cli_table_cell(&t, "Node");
	cli_table_cell(&t, "Peer");
	cli_table_cell(&t, "Next hop");
	cli_table_cell(&t, "Protocol NH");
	cli_table_cell(&t, "Origin");
	cli_table_cell(&t, "AS path");
	cli_table_cell(&t, "MED");
	cli_table_cell(&t, "LocPref");
	cli_table_cell(&t, "Communities");
	for (i = 0; i < n; i++) {
		const json_t *v = rows[i].e->value, *peer = json_object_get(v, "peer");
		bool first = i == 0 || prefix_cmp(&rows[i].e->ki.prefix, &rows[i - 1].e->ki.prefix);
		char *asp = cli_join(json_object_get(v, "as_path"), " ");
		char *com = cli_join(json_object_get(v, "communities"), " ");

		if (o->json) {
			json_array_append(list, (json_t *)v);
		} else {
			cli_table_cell(&t, "%s", first ? cli_str(v, "prefix", "?") : "");
			cli_table_cell(&t, "%s", rows[i].e->ki.node);
			cli_table_cell(&t, "%s AS%lld", cli_str(peer, "address", "?"),
				       (long long)cli_int(peer, "asn", 0));
			cli_table_cell(&t, "%s", cli_str(v, "external_next_hop", "?"));
			cli_table_cell(&t, "%s", cli_str(v, "protocol_next_hop", "?"));
			cli_table_cell(&t, "%s", cli_str(v, "origin", "?"));
			cli_table_cell(&t, "%s", asp ? asp : "?");
			if (json_object_get(v, "med"))
				cli_table_cell(&t, "%lld", (long long)cli_int(v, "med", 0));
			else
				cli_table_cell(&t, "-");
			if (json_object_get(v, "local_pref"))
				cli_table_cell(&t, "%lld", (long long)cli_int(v, "local_pref", 0));
			else
				cli_table_cell(&t, "-");
			cli_table_cell(&t, "%s", com ? com : "?");
		}
		free(asp), free(com);
	}
	if (o->json) {
		json_t *doc = json_pack("{s:O}", "routes", list);

		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
		cli_table_free(&t);
	} else if (n) {
		cli_table_print(&t, out);
		fprintf(out, "%zu route%s\n", n, n == 1 ? "" : "s");
	} else {
		cli_table_free(&t);
		fprintf(out, "no BGP routes (nothing under bgp/routes/)\n");
	}
	free(rows);
	json_decref(list), json_decref(invalid);
	return 0;
}
