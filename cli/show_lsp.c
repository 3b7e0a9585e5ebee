/* show_lsp — `kvtectl show lsp [NAME]`: the controller's answer for each LSP request,
 * from te/paths/<lsp> (schemas/te-path.schema.json).
 *
 * One block per LSP: state and since, head and tail, metric type and value, delay,
 * bandwidth and priorities, the path hop by hop with its links, the dataplane with its
 * segments (SRv6) or labels (MPLS), the paths make-before-break still holds, the
 * protection asked for and each bypass (link, point of local repair, the router a
 * node bypass goes around, merge point, path, state, reason), and the reason when the
 * LSP is down or invalid. A request in config/lsps/ that has no te/paths answer yet is
 * listed as "requested" (the controller has not answered). NAME that has no
 * te/paths/<NAME> is an error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"

static void block(FILE *out, const struct cli_entry *e)
{
	const json_t *v = e->value, *x;
	char bw[32];
	size_t i;

	fprintf(out, "%s: %s since %s\n", e->ki.lsp, cli_str(v, "state", "?"),
		cli_str(v, "since", "?"));
	if (cli_str(v, "from", NULL) || cli_str(v, "to", NULL))
		fprintf(out, "  from %s to %s\n", cli_str(v, "from", "?"), cli_str(v, "to", "?"));
	if (cli_str(v, "reason", NULL))
		fprintf(out, "  reason: %s\n", cli_str(v, "reason", ""));
	if (json_array_size(json_object_get(v, "path"))) {
		fprintf(out, "  path:");
		json_array_foreach(json_object_get(v, "path"), i, x) {
			fprintf(out, " %s", cli_str(x, "node", "?"));
			if (cli_str(x, "link", NULL))
				fprintf(out, " -[%s]->", cli_str(x, "link", ""));
		}
		fprintf(out, "\n");
	}
	json_array_foreach(json_object_get(v, "releasing"), i, x) {
		const json_t *h;
		size_t k;

		fprintf(out, "  make-before-break, still reserved:");
		json_array_foreach(json_object_get(x, "path"), k, h) {
			fprintf(out, " %s", cli_str(h, "node", "?"));
			if (cli_str(h, "link", NULL))
				fprintf(out, " -[%s]->", cli_str(h, "link", ""));
		}
		fprintf(out, "\n");
	}
	if (json_object_get(v, "metric") || json_object_get(v, "delay_us") ||
	    json_object_get(v, "bandwidth")) {
		fprintf(out, "  metric %s %lld, delay %lld us, bandwidth %s",
			cli_str(v, "metric_type", "te"), (long long)cli_int(v, "metric", 0),
			(long long)cli_int(v, "delay_us", 0),
			cli_bw(json_number_value(json_object_get(v, "bandwidth")), bw, sizeof(bw)));
		if (json_object_get(v, "setup_priority"))
			fprintf(out, ", priority setup %lld hold %lld",
				(long long)cli_int(v, "setup_priority", 0),
				(long long)cli_int(v, "hold_priority", 0));
		fprintf(out, "\n");
	}
	if ((x = json_object_get(v, "segments")) || (x = json_object_get(v, "labels"))) {
		char *j = cli_join(x, " ");

		fprintf(out, "  %s %s %s\n", cli_str(v, "dataplane", "?"),
			json_object_get(v, "segments") ? "segments" : "labels", j ? j : "?");
		free(j);
	}
	if (cli_str(v, "protection", NULL))
		fprintf(out, "  protection %s\n", cli_str(v, "protection", ""));
	json_array_foreach(json_object_get(v, "bypasses"), i, x) {
		char *p = cli_join(json_object_get(x, "path"), " ");

		fprintf(out, "    bypass %s at %s", cli_str(x, "link", "?"), cli_str(x, "plr", "?"));
		if (cli_str(x, "protected_node", NULL))
			fprintf(out, " around %s", cli_str(x, "protected_node", ""));
		if (cli_str(x, "merge_point", NULL))
			fprintf(out, " merging at %s", cli_str(x, "merge_point", ""));
		fprintf(out, ": %s", cli_str(x, "state", "?"));
		if (json_object_get(x, "path"))
			fprintf(out, ", path %s", p ? p : "?");
		if (cli_str(x, "reason", NULL))
			fprintf(out, " (%s)", cli_str(x, "reason", ""));
		fprintf(out, "\n");
		free(p);
	}
}

int show_lsp(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen)
{
	json_t *list = json_array(), *invalid = json_array(), *pending = json_array();
	const struct cli_entry *e;
	char why[CLI_ERR_LEN], key[KEYS_MAX];
	size_t i = 0, n = 0;

	if (o->name) {
		if (keys_te_path(&s->keys, o->name, key, sizeof(key)) < 0) {
			snprintf(err, errlen, "no LSP named %s (not a valid LSP name)", o->name);
			goto missing;
		}
		if (!cli_state_get(s, key)) {
			char req[KEYS_MAX];

			if (keys_lsp_request(&s->keys, o->name, req, sizeof(req)) >= 0 &&
			    cli_state_get(s, req))
				snprintf(err, errlen, "no LSP named %s (%s does not exist; %s does: "
					 "the controller has not answered it)", o->name,
					 cli_rel_key(&s->keys, key), cli_rel_key(&s->keys, req));
			else
				snprintf(err, errlen, "no LSP named %s (%s does not exist)", o->name,
					 cli_rel_key(&s->keys, key));
			goto missing;
		}
	}
	while ((e = cli_state_next(s, KEY_TE_PATH, &i))) {
		if (o->name && strcmp(e->ki.lsp, o->name) != 0)
			continue;
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (o->json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "%s%s (invalid value: %s)\n", n++ ? "\n" : "", e->rel, why);
			continue;
		}
		if (o->json) {
			json_array_append(list, e->value);
			continue;
		}
		if (n++)
			fprintf(out, "\n");
		block(out, e);
	}
	/* requests without an answer */
	i = 0;
	while (!o->name && (e = cli_state_next(s, KEY_LSP_REQUEST, &i))) {
		if (keys_te_path(&s->keys, e->ki.lsp, key, sizeof(key)) < 0 || cli_state_get(s, key))
			continue;
		if (o->json) {
			json_array_append_new(pending, json_string(e->ki.lsp));
			continue;
		}
		fprintf(out, "%s%s: requested (%s), no answer from the controller yet\n",
			n++ ? "\n" : "", e->ki.lsp, e->rel);
	}
	if (o->json) {
		json_t *doc = json_pack("{s:O}", "paths", list);

		if (json_array_size(pending))
			json_object_set(doc, "unanswered", pending);
		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
	} else if (!n) {
		fprintf(out, "no LSPs (nothing under te/paths/ or config/lsps/)\n");
	}
	json_decref(list), json_decref(invalid), json_decref(pending);
	return 0;
missing:
	json_decref(list), json_decref(invalid), json_decref(pending);
	return -ENOENT;
}
