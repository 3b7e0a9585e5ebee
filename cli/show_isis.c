/* show_isis — `kvtectl show isis database [NODE] [--detail]` and `show isis neighbors
 * [NODE]`.
 *
 * The database is read from ted/lsp/<lsp-id> (schemas/ted-lsp.schema.json, the decoded
 * LSPs kvte-speaker publishes, speaker/ted_json.c) and printed like a router's `show
 * isis database` (seed documents 000/002): one line per LSP fragment with its ID in
 * hostname form (r1.00-00, the hostname from TLV 137 of any fragment of that system),
 * sequence number, checksum, holdtime (remaining lifetime when the copy was written:
 * the key is not rewritten as the LSP ages) and ATT/P/OL, grouped by level. --detail
 * adds the TLVs readably, the way speaker/format.c words them: areas, protocols,
 * hostname, TE router IDs, router capability, interface addresses, IS reachability
 * with TE sub-TLVs, IPv4/IPv6 reachability, SRv6 locators with their End SIDs, and
 * undecoded TLVs as hex. The PDU length is not part of the stored value, so it is not
 * shown. Neighbors come from speakers/<node> (schemas/speaker.schema.json). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"

/* "1921.6805.0002" (+ ".00" ...) -> hostname from the LSPs (or speakers), or NULL */
static const char *sysid_name(const struct cli_state *s, const char *id)
{
	size_t i = 0;
	const struct cli_entry *e;

	while ((e = cli_state_next(s, KEY_TED_LSP, &i))) {
		const char *lid = cli_str(e->value, "lsp_id", "");
		const char *h = cli_str(e->value, "hostname", NULL);

		if (h && strncmp(lid, id, 14) == 0 && strlen(id) >= 14)
			return h;
	}
	i = 0;
	while ((e = cli_state_next(s, KEY_SPEAKER, &i))) {
		const char *sid = cli_str(e->value, "system_id", "");

		if (strlen(id) >= 14 && strncmp(sid, id, 14) == 0 && cli_str(e->value, "node", NULL))
			return cli_str(e->value, "node", NULL);
	}
	return NULL;
}

/* "r2.00-00" for "1921.6805.0002.00-00" (any suffix kept), else the ID itself */
static const char *id_name(const struct cli_state *s, const char *id, char *buf, size_t len)
{
	const char *h = strlen(id) >= 14 ? sysid_name(s, id) : NULL;

	if (h)
		snprintf(buf, len, "%s%s", h, id + 14);
	else
		snprintf(buf, len, "%s", id);
	return buf;
}

static bool lsp_of_node(const struct cli_state *s, const struct cli_entry *e,
			const char *node)
{
	const char *h = sysid_name(s, cli_str(e->value, "lsp_id", ""));

	return h && strcmp(h, node) == 0;
}

static void print_sub_is(FILE *out, const json_t *r, const struct cli_state *s)
{
	char b1[32], b2[32];
	json_t *v;
	size_t i;

	fprintf(out, "      TE metric %lld", (long long)cli_int(r, "te_metric", cli_int(r, "metric", 0)));
	if ((v = json_object_get(r, "admin_group")))
		fprintf(out, ", admin group 0x%08llx", (long long)json_integer_value(v));
	if (json_object_get(r, "delay_us")) {
		fprintf(out, ", delay %lld us", (long long)cli_int(r, "delay_us", 0));
		if (json_object_get(r, "min_delay_us"))
			fprintf(out, " (min %lld, max %lld)", (long long)cli_int(r, "min_delay_us", 0),
				(long long)cli_int(r, "max_delay_us", 0));
		if (json_is_true(json_object_get(r, "anomalous")))
			fprintf(out, " anomalous");
	}
	fprintf(out, "\n");
	if (cli_str(r, "local_address", NULL) || cli_str(r, "remote_address", NULL))
		fprintf(out, "      IPv4 local %s, remote %s\n", cli_str(r, "local_address", "-"),
			cli_str(r, "remote_address", "-"));
	if (cli_str(r, "local_address6", NULL) || cli_str(r, "remote_address6", NULL))
		fprintf(out, "      IPv6 local %s, remote %s\n", cli_str(r, "local_address6", "-"),
			cli_str(r, "remote_address6", "-"));
	if (json_object_get(r, "max_bandwidth") || json_object_get(r, "max_reservable_bandwidth"))
		fprintf(out, "      Max bandwidth %s, reservable %s\n",
			cli_bw(json_number_value(json_object_get(r, "max_bandwidth")), b1, sizeof(b1)),
			cli_bw(json_number_value(json_object_get(r, "max_reservable_bandwidth")), b2,
			       sizeof(b2)));
	if ((v = json_object_get(r, "unreserved_bandwidth"))) {
		json_t *x;

		fprintf(out, "      Unreserved");
		json_array_foreach(v, i, x)
			fprintf(out, " [%zu] %s", i, cli_bw(json_number_value(x), b1, sizeof(b1)));
		fprintf(out, "\n");
	}
	if ((v = json_object_get(r, "srlgs"))) {
		char *j = cli_join(v, " ");

		fprintf(out, "      SRLGs %s\n", j ? j : "?");
		free(j);
	}
	json_array_foreach(json_object_get(r, "end_x_sids"), i, v)
		fprintf(out, "      SRv6 %s SID %s%s\n", cli_str(v, "behavior", "?"),
			cli_str(v, "sid", "?"), json_is_true(json_object_get(v, "backup")) ? " (backup)" : "");
	json_array_foreach(json_object_get(r, "adj_sids"), i, v)
		fprintf(out, "      Adjacency SID label %lld%s\n", (long long)cli_int(v, "label", 0),
			json_is_true(json_object_get(v, "backup")) ? " (backup)" : "");
	json_array_foreach(json_object_get(r, "unknown_subtlvs"), i, v)
		fprintf(out, "      Unknown sub-TLV %lld: %s\n", (long long)cli_int(v, "type", 0),
			cli_str(v, "value", ""));
	(void)s;
}

static void print_detail(FILE *out, const struct cli_state *s, const json_t *l)
{
	char buf[128];
	json_t *v, *x;
	size_t i;
	char *j;

	if ((v = json_object_get(l, "area_addresses"))) {
		j = cli_join(v, " ");
		fprintf(out, "  Area Address: %s\n", j ? j : "?");
		free(j);
	}
	if ((v = json_object_get(l, "protocols"))) {
		j = cli_join(v, " ");
		fprintf(out, "  Protocols:    %s\n", j ? j : "?");
		free(j);
	}
	if (cli_str(l, "hostname", NULL))
		fprintf(out, "  Hostname:     %s\n", cli_str(l, "hostname", ""));
	if (cli_str(l, "te_router_id", NULL))
		fprintf(out, "  TE Router ID: %s\n", cli_str(l, "te_router_id", ""));
	if (cli_str(l, "te_router_id6", NULL))
		fprintf(out, "  IPv6 TE Router ID: %s\n", cli_str(l, "te_router_id6", ""));
	if ((v = json_object_get(l, "router_capability"))) {
		fprintf(out, "  Router Cap:   %s, D:%d, S:%d", cli_str(v, "router_id", "?"),
			json_is_true(json_object_get(v, "down")),
			json_is_true(json_object_get(v, "flood_domain")));
		if (json_object_get(v, "srv6"))
			fprintf(out, ", SRv6");
		if ((x = json_object_get(v, "sr_mpls")))
			fprintf(out, ", SRGB %lld/%lld", (long long)cli_int(x, "srgb_base", 0),
				(long long)cli_int(x, "srgb_range", 0));
		fprintf(out, "\n");
	}
	if ((v = json_object_get(l, "authentication")))
		fprintf(out, "  Authentication: type %lld\n", (long long)cli_int(v, "type", 0));
	if ((v = json_object_get(l, "interface_addresses"))) {
		j = cli_join(v, " ");
		fprintf(out, "  IP Address:   %s\n", j ? j : "?");
		free(j);
	}
	if ((v = json_object_get(l, "interface_addresses6"))) {
		j = cli_join(v, " ");
		fprintf(out, "  IPv6 Address: %s\n", j ? j : "?");
		free(j);
	}
	json_array_foreach(json_object_get(l, "is_reach"), i, v) {
		char nb[128];

		snprintf(buf, sizeof(buf), "%lld", (long long)cli_int(v, "metric", 0));
		fprintf(out, "  Metric: %-10s IS-Extended %s", buf,
			id_name(s, cli_str(v, "neighbor", "?"), nb, sizeof(nb)));
		if (json_object_get(v, "mt_id"))
			fprintf(out, " (MT %lld)", (long long)cli_int(v, "mt_id", 0));
		fprintf(out, "\n");
		print_sub_is(out, v, s);
	}
	json_array_foreach(json_object_get(l, "ip_reach"), i, v) {
		snprintf(buf, sizeof(buf), "%lld", (long long)cli_int(v, "metric", 0));
		fprintf(out, "  Metric: %-10s IP%s %s%s%s\n", buf,
			json_is_true(json_object_get(v, "external")) ? "-External" : "",
			cli_str(v, "prefix", "?"),
			json_is_true(json_object_get(v, "up_down")) ? " (down)" : "",
			json_is_true(json_object_get(v, "node")) ? " (node)" : "");
	}
	json_array_foreach(json_object_get(l, "ip6_reach"), i, v) {
		snprintf(buf, sizeof(buf), "%lld", (long long)cli_int(v, "metric", 0));
		fprintf(out, "  Metric: %-10s IPv6%s %s%s%s\n", buf,
			json_is_true(json_object_get(v, "external")) ? "-External" : "",
			cli_str(v, "prefix", "?"),
			json_is_true(json_object_get(v, "up_down")) ? " (down)" : "",
			json_is_true(json_object_get(v, "node")) ? " (node)" : "");
	}
	json_array_foreach(json_object_get(l, "srv6_locators"), i, v) {
		size_t k;

		snprintf(buf, sizeof(buf), "%lld", (long long)cli_int(v, "metric", 0));
		fprintf(out, "  Metric: %-10s SRv6 Locator %s (algorithm %lld)\n", buf,
			cli_str(v, "locator", "?"), (long long)cli_int(v, "algorithm", 0));
		json_array_foreach(json_object_get(v, "end_sids"), k, x)
			fprintf(out, "      SID %s %s\n", cli_str(x, "sid", "?"),
				cli_str(x, "behavior", "?"));
	}
	json_array_foreach(json_object_get(l, "unknown_tlvs"), i, v)
		fprintf(out, "  Unknown TLV %lld: %s\n", (long long)cli_int(v, "type", 0),
			cli_str(v, "value", ""));
}

int show_isis_database(FILE *out, const struct cli_state *s, const struct show_opts *o,
		       char *err, size_t errlen)
{
	json_t *list = json_array(), *invalid = json_array();
	const struct cli_entry *e;
	size_t i, count[3] = { 0 };
	char why[CLI_ERR_LEN];

	if (o->name && !cli_node_known(s, o->name)) {
		json_decref(list);
		json_decref(invalid);
		return cli_no_node(s, o->name, err, errlen);
	}
	for (int level = 1; level <= 2; level++) {
		i = 0;
		while ((e = cli_state_next(s, KEY_TED_LSP, &i))) {
			const json_t *fl;
			char name[96];

			if (!cli_entry_ok(e, why, sizeof(why))) {
				if (level == 2) {
					if (o->json)
						cli_json_invalid(invalid, e->rel, why);
					else
						fprintf(out, "%s (invalid value: %s)\n", e->rel, why);
				}
				continue;
			}
			if (cli_int(e->value, "level", 0) != level)
				continue;
			if (o->name && !lsp_of_node(s, e, o->name))
				continue;
			if (o->json) {
				count[level]++;
				json_array_append(list, e->value);
				continue;
			}
			if (!count[level]++) {
				if (level == 2 && count[1])
					fprintf(out, "\n");
				fprintf(out, "IS-IS Level-%d link state database:\n", level);
				fprintf(out, "%-24s  %-10s  %-6s  %-8s  %s\n", "LSP ID", "SeqNumber",
					"Chksum", "Holdtime", "ATT/P/OL");
			}
			fl = json_object_get(e->value, "flags");
			fprintf(out, "%-24s  0x%08llx  %-6s  %-8lld  %d/%d/%d\n",
				id_name(s, cli_str(e->value, "lsp_id", ""), name, sizeof(name)),
				(long long)cli_int(e->value, "seq", 0), cli_str(e->value, "checksum", "?"),
				(long long)cli_int(e->value, "remaining_lifetime", 0),
				json_is_true(json_object_get(fl, "att")),
				json_is_true(json_object_get(fl, "partition")),
				json_is_true(json_object_get(fl, "overload")));
			if (o->detail)
				print_detail(out, s, e->value);
		}
		if (count[level] && !o->json)
			fprintf(out, "  %zu LSP%s\n", count[level], count[level] == 1 ? "" : "s");
	}
	if (o->json) {
		json_t *doc = json_pack("{s:o}", "lsps", list);

		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
	} else {
		if (!count[1] && !count[2])
			fprintf(out, "no LSPs in ted/lsp/%s%s\n", o->name ? " for " : "",
				o->name ? o->name : "");
		json_decref(list);
	}
	json_decref(invalid);
	return 0;
}

int show_isis_neighbors(FILE *out, const struct cli_state *s, const struct show_opts *o,
			char *err, size_t errlen)
{
	json_t *list = json_array(), *invalid = json_array();
	const struct cli_entry *e;
	struct cli_table t;
	char why[CLI_ERR_LEN];
	size_t i = 0, n = 0;

	if (o->name && !cli_node_known(s, o->name)) {
		json_decref(list);
		json_decref(invalid);
		return cli_no_node(s, o->name, err, errlen);
	}
	cli_table_init(&t, 9, 0);
	cli_table_cell(&t, "Node");
	cli_table_cell(&t, "Interface");
	cli_table_cell(&t, "Neighbor");
	cli_table_cell(&t, "System ID");
	cli_table_cell(&t, "State");
	cli_table_cell(&t, "Level");
	cli_table_cell(&t, "Hold");
	cli_table_cell(&t, "Address");
	cli_table_cell(&t, "Up since");
	while ((e = cli_state_next(s, KEY_SPEAKER, &i))) {
		json_t *a;
		size_t k;

		if (o->name && strcmp(e->ki.node, o->name) != 0)
			continue;
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (o->json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "%s (invalid value: %s)\n", e->rel, why);
			continue;
		}
		if (o->json) {
			json_array_append(list, e->value);
			continue;
		}
		json_array_foreach(json_object_get(e->value, "adjacencies"), k, a) {
			int64_t lvl = cli_int(a, "level", 0);

			cli_table_cell(&t, "%s", e->ki.node);
			cli_table_cell(&t, "%s", cli_str(a, "interface", "?"));
			cli_table_cell(&t, "%s", cli_str(a, "neighbor", "-"));
			cli_table_cell(&t, "%s", cli_str(a, "neighbor_system_id", "-"));
			cli_table_cell(&t, "%s", cli_str(a, "state", "?"));
			cli_table_cell(&t, "%s", lvl == 3 ? "L1L2" : lvl == 1 ? "L1" : lvl == 2 ? "L2" : "-");
			if (json_object_get(a, "hold_time"))
				cli_table_cell(&t, "%lld", (long long)cli_int(a, "hold_time", 0));
			else
				cli_table_cell(&t, "-");
			cli_table_cell(&t, "%s", cli_str(a, "neighbor_address",
							 cli_str(a, "neighbor_address6", "-")));
			cli_table_cell(&t, "%s%s%s", cli_str(a, "up_since", "-"),
				       cli_str(a, "reason", NULL) ? " " : "",
				       cli_str(a, "reason", ""));
			n++;
		}
	}
	if (o->json) {
		json_t *doc = json_pack("{s:o}", "speakers", list);

		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
		cli_table_free(&t);
	} else {
		if (n)
			cli_table_print(&t, out);
		else
			fprintf(out, "no adjacencies in speakers/%s\n", o->name ? o->name : "");
		cli_table_free(&t);
		json_decref(list);
	}
	json_decref(invalid);
	return 0;
}
