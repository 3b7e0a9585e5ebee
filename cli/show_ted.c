/* show_ted — `kvtectl show ted`: the traffic-engineering database as the controller
 * sees it, and the graph helper `graph` shares.
 *
 * The TED is built with te-controller/ted.h from the same values the controller reads
 * (ted/lsp/<lsp-id> for nodes and TE links, speakers/<node> to name links
 * "<node>:<interface>"), so the links shown are the ones CSPF uses: two-way checked,
 * TE metric defaulting to the IGP metric. Per node: system ID, TE router ID, SRv6
 * locator and End SID, overload. Per directed link: addresses, IGP and TE metric,
 * delay, maximum and reservable bandwidth, admin groups (named from
 * config/admin-groups), SRLGs, End.X SIDs, and the controller's reservations from
 * te/links/<link> (schemas/te-link.schema.json) when present. LSP values the TED
 * rejects are listed as invalid. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"
#include "cli/ted_view.h"
#include "lib/validate.h"

int cli_ted_build(const struct cli_state *s, ted_t *t, json_t *invalid)
{
	const struct cli_entry *e;
	char why[CLI_ERR_LEN];
	size_t i = 0;

	ted_init(t);
	while ((e = cli_state_next(s, KEY_TED_LSP, &i))) {
		char id[KEYS_LSP_ID_STRLEN];

		keys_lsp_id_format(&e->ki.lsp_id, id, sizeof(id));
		if (!e->value) {
			cli_json_invalid(invalid, e->rel, e->err);
			continue;
		}
		if (ted_lsp_update(t, id, e->value, why, sizeof(why)) < 0)
			cli_json_invalid(invalid, e->rel, why);
	}
	i = 0;
	while ((e = cli_state_next(s, KEY_SPEAKER, &i))) {
		if (!cli_entry_ok(e, why, sizeof(why)) ||
		    ted_speaker_update(t, e->value, why, sizeof(why)) < 0)
			cli_json_invalid(invalid, e->rel, why);
	}
	return ted_commit(t);
}

const struct cli_entry *cli_te_link(const struct cli_state *s, const char *name)
{
	char key[KEYS_MAX];
	struct key_link l;
	const struct cli_entry *e;
	char why[CLI_ERR_LEN];

	if (!name[0] || keys_link_parse(name, &l) < 0 ||
	    keys_te_link(&s->keys, &l, key, sizeof(key)) < 0)
		return NULL;
	e = cli_state_get(s, key);
	return e && cli_entry_ok(e, why, sizeof(why)) ? e : NULL;
}

double cli_te_link_reserved(const struct cli_entry *tl)
{
	double sum = 0;
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(tl ? tl->value : NULL, "reserved"), i, v)
		sum += json_number_value(v);
	return sum;
}

char *cli_admin_groups(const struct cli_state *s, uint32_t mask)
{
	char key[KEYS_MAX];
	const struct cli_entry *ag = NULL;
	json_t *groups = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	bool first = true;

	if (!mask)
		return strdup("-");
	if (keys_admin_groups(&s->keys, key, sizeof(key)) >= 0)
		ag = cli_state_get(s, key);
	if (ag)
		groups = json_object_get(ag->value, "groups");
	if (!(f = open_memstream(&out, &len)))
		return NULL;
	for (unsigned bit = 0; bit < 32; bit++) {
		const char *name = NULL, *k;
		json_t *v;

		if (!(mask & (1u << bit)))
			continue;
		json_object_foreach(groups, k, v)
			if (json_is_integer(v) && json_integer_value(v) == bit)
				name = k;
		if (name)
			fprintf(f, "%s%s", first ? "" : ",", name);
		else
			fprintf(f, "%sbit%u", first ? "" : ",", bit);
		first = false;
	}
	fclose(f);
	return out;
}

static json_t *jaddr(const addr_t *a)
{
	char buf[ADDR_STRLEN];

	return addr_is_unset(a) ? json_null() : json_string(addr_format(a, buf, sizeof(buf)));
}

int show_ted(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	     size_t errlen)
{
	json_t *invalid = json_array(), *jnodes = json_array(), *jlinks = json_array();
	json_t *jres = json_array();
	struct cli_table t;
	ted_t ted;
	size_t k;
	json_t *v;
	int rc;

	(void)err, (void)errlen;
	rc = cli_ted_build(s, &ted, invalid);
	if (rc < 0) {
		snprintf(err, errlen, "cannot build the TED: %s", strerror(-rc));
		ted_free(&ted);
		json_decref(invalid), json_decref(jnodes), json_decref(jlinks), json_decref(jres);
		return rc;
	}
	cli_table_init(&t, 6, 0);
	cli_table_cell(&t, "Node");
	cli_table_cell(&t, "System ID");
	cli_table_cell(&t, "TE router ID");
	cli_table_cell(&t, "SRv6 locator");
	cli_table_cell(&t, "End SID");
	cli_table_cell(&t, "Overload");
	for (uint32_t n = 0; n < ted.n_nodes; n++) {
		const struct ted_node *nd = &ted.nodes[n];
		char sys[32], rid[ADDR_STRLEN], loc[PREFIX_STRLEN], sid[ADDR_STRLEN];

		snprintf(sys, sizeof(sys), "%02x%02x.%02x%02x.%02x%02x", nd->system_id[0],
			 nd->system_id[1], nd->system_id[2], nd->system_id[3], nd->system_id[4],
			 nd->system_id[5]);
		if (nd->pseudonode)
			snprintf(sys + 14, sizeof(sys) - 14, ".%02x", nd->pseudonode);
		if (addr_is_unset(&nd->router_id))
			snprintf(rid, sizeof(rid), "-");
		else
			addr_format(&nd->router_id, rid, sizeof(rid));
		if (nd->has_locator)
			prefix_format(&nd->locator, loc, sizeof(loc));
		else
			snprintf(loc, sizeof(loc), "-");
		if (addr_is_unset(&nd->end_sid))
			snprintf(sid, sizeof(sid), "-");
		else
			addr_format(&nd->end_sid, sid, sizeof(sid));
		cli_table_cell(&t, "%s", nd->name);
		cli_table_cell(&t, "%s", sys);
		cli_table_cell(&t, "%s", rid);
		cli_table_cell(&t, "%s", loc);
		cli_table_cell(&t, "%s", sid);
		cli_table_cell(&t, "%s", nd->overload ? "yes" : "no");
		json_array_append_new(jnodes, json_pack("{s:s,s:s,s:o,s:o,s:o,s:b}", "name",
			nd->name, "system_id", sys, "te_router_id", jaddr(&nd->router_id),
			"locator", nd->has_locator ? json_string(loc) : json_null(),
			"end_sid", jaddr(&nd->end_sid), "overload", nd->overload));
	}
	if (!o->json) {
		fprintf(out, "Nodes (%u):\n", ted.n_nodes);
		cli_table_print(&t, out);
		fprintf(out, "\nLinks (%u):\n", ted.n_links);
	}
	cli_table_free(&t);
	cli_table_init(&t, 13, 0);
	cli_table_cell(&t, "Link");
	cli_table_cell(&t, "From");
	cli_table_cell(&t, "To");
	cli_table_cell(&t, "Local");
	cli_table_cell(&t, "Remote");
	cli_table_cell(&t, "IGP");
	cli_table_cell(&t, "TE");
	cli_table_cell(&t, "Delay(us)");
	cli_table_cell(&t, "Bandwidth");
	cli_table_cell(&t, "Reserved");
	cli_table_cell(&t, "Admin groups");
	cli_table_cell(&t, "SRLGs");
	cli_table_cell(&t, "End.X SIDs");
	for (uint32_t l = 0; l < ted.n_links; l++) {
		const struct ted_link *ln = &ted.links[l];
		char name[KEYS_LINK_STRLEN + 64], a1[ADDR_STRLEN], a2[ADDR_STRLEN];
		char b1[32], b2[32], b3[32];
		const struct cli_entry *tl = ln->name[0] ? cli_te_link(s, ln->name) : NULL;
		char *groups = cli_admin_groups(s, ln->admin_group);
		char *srlgs = NULL, *sids = NULL;
		size_t sl = 0, dl = 0;
		FILE *f;
		json_t *jsrlg = json_array(), *jsid = json_array();

		ted_link_label(&ted, l, name, sizeof(name));
		if ((f = open_memstream(&srlgs, &sl))) {
			for (uint32_t i = 0; i < ln->n_srlgs; i++) {
				fprintf(f, "%s%u", i ? "," : "", ted.srlgs[ln->srlg_first + i]);
				json_array_append_new(jsrlg, json_integer(ted.srlgs[ln->srlg_first + i]));
			}
			if (!ln->n_srlgs)
				fputs("-", f);
			fclose(f);
		}
		if ((f = open_memstream(&sids, &dl))) {
			for (uint32_t i = 0; i < ln->n_sids; i++) {
				fprintf(f, "%s%s", i ? "," : "",
					addr_format(&ted.sids[ln->sid_first + i], a1, sizeof(a1)));
				json_array_append_new(jsid, json_string(a1));
			}
			if (!ln->n_sids)
				fputs("-", f);
			fclose(f);
		}
		addr_format(&ln->local, a1, sizeof(a1));
		addr_format(&ln->remote, a2, sizeof(a2));
		cli_table_cell(&t, "%s", name);
		cli_table_cell(&t, "%s", ted.nodes[ln->from].name);
		cli_table_cell(&t, "%s", ted.nodes[ln->to].name);
		cli_table_cell(&t, "%s", addr_is_unset(&ln->local) ? "-" : a1);
		cli_table_cell(&t, "%s", addr_is_unset(&ln->remote) ? "-" : a2);
		cli_table_cell(&t, "%u", ln->igp_metric);
		cli_table_cell(&t, "%u", ln->te_metric);
		cli_table_cell(&t, "%u", ln->delay_us);
		cli_table_cell(&t, "%s/%s", cli_bw(ln->max_bw, b1, sizeof(b1)),
			       cli_bw(ln->max_rsv_bw, b2, sizeof(b2)));
		cli_table_cell(&t, "%s", tl ? cli_bw(cli_te_link_reserved(tl), b3, sizeof(b3)) : "-");
		cli_table_cell(&t, "%s", groups ? groups : "?");
		cli_table_cell(&t, "%s", srlgs ? srlgs : "?");
		cli_table_cell(&t, "%s", sids ? sids : "?");
		json_array_append_new(jlinks, json_pack("{s:s,s:s,s:s,s:o,s:o,s:i,s:i,s:i,s:f,s:f,s:o,s:o,s:o}",
			"link", name, "from", ted.nodes[ln->from].name, "to", ted.nodes[ln->to].name,
			"local_address", jaddr(&ln->local), "remote_address", jaddr(&ln->remote),
			"igp_metric", (json_int_t)ln->igp_metric, "te_metric", (json_int_t)ln->te_metric,
			"delay_us", (json_int_t)ln->delay_us, "max_bandwidth", ln->max_bw,
			"max_reservable_bandwidth", ln->max_rsv_bw,
			"admin_group", json_integer(ln->admin_group), "srlgs", jsrlg,
			"end_x_sids", jsid));
		if (tl)
			json_array_append(jres, tl->value);
		free(groups), free(srlgs), free(sids);
	}
	if (!o->json)
		cli_table_print(&t, out);
	cli_table_free(&t);
	/* reservations in detail: per link with LSPs */
	if (!o->json && json_array_size(jres)) {
		fprintf(out, "\nReservations (te/links):\n");
		cli_table_init(&t, 4, 0);
		cli_table_cell(&t, "Link");
		cli_table_cell(&t, "Reservable");
		cli_table_cell(&t, "Unreserved at priority 0..7");
		cli_table_cell(&t, "LSPs");
		json_array_foreach(jres, k, v) {
			char b1[32], *un = NULL, *lsps = NULL;
			size_t ul = 0, ll = 0, i;
			json_t *x;
			FILE *f;

			if (!json_array_size(json_object_get(v, "lsps")))
				continue;
			if ((f = open_memstream(&un, &ul))) {
				json_array_foreach(json_object_get(v, "unreserved"), i, x)
					fprintf(f, "%s%s", i ? " " : "", cli_bw(json_number_value(x), b1, sizeof(b1)));
				fclose(f);
			}
			if ((f = open_memstream(&lsps, &ll))) {
				json_array_foreach(json_object_get(v, "lsps"), i, x)
					fprintf(f, "%s%s %s@%lld", i ? ", " : "", cli_str(x, "lsp", "?"),
						cli_bw(json_number_value(json_object_get(x, "bandwidth")), b1, sizeof(b1)),
						(long long)cli_int(x, "priority", 0));
				fclose(f);
			}
			cli_table_cell(&t, "%s", cli_str(v, "link", "?"));
			cli_table_cell(&t, "%s", cli_bw(json_number_value(json_object_get(v, "max_reservable")), b1, sizeof(b1)));
			cli_table_cell(&t, "%s", un ? un : "?");
			cli_table_cell(&t, "%s", lsps ? lsps : "?");
			free(un), free(lsps);
		}
		cli_table_print(&t, out);
		cli_table_free(&t);
	}
	if (o->json) {
		json_t *doc = json_pack("{s:O,s:O,s:O}", "nodes", jnodes, "links", jlinks,
					"reservations", jres);

		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
	} else {
		json_array_foreach(invalid, k, v)
			fprintf(out, "%s (invalid value: %s)\n", cli_str(v, "key", "?"),
				cli_str(v, "error", "?"));
	}
	json_decref(invalid), json_decref(jnodes), json_decref(jlinks), json_decref(jres);
	ted_free(&ted);
	return 0;
}
