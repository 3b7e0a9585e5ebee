/* show_route — `kvtectl show route NODE`: a router's routing entries as etcd holds
 * them, printed the way the seed notebook's route tables read (000: "### r1 routes ###",
 * inet.0 / inet.3 / mpls tables, "[SOURCE/preference] to <next hop> via <interface>").
 *
 * inet.0: static routes from config/static/<node>/ (preference from the value, default
 * 5), IGP routes from rib/<node>/isis/ (IS-IS/18, with metric, ECMP next hops and the
 * LFA backup), TE tunnel destinations from rib/<node>/te/ (TE/7), and BGP routes from
 * bgp/routes/<prefix>/<border> (BGP/170): the protocol next hop resolved the way the
 * agent does (docs/keys.md), over a TE tunnel to it first, else over the IGP; the
 * border node itself uses the external next hop. The lowest preference per prefix is
 * marked "*". inet.3: the node's TE tunnels (rib/<node>/te/) with path, segments or
 * labels, and their backup. SIDs: rib/<node>/sid/ (SRv6 behaviors and MPLS labels).
 * protection: rib/<node>/protect/ bypasses. Then the FIB agent's state/<node>/agent
 * when present. This is what etcd asks the router to install, not what its kernel
 * holds (that is the agent's job; see its applied revision). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"
#include "lib/validate.h"

bool cli_node_known(const struct cli_state *s, const char *node)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct cli_entry *e = &s->e[i];

		switch (e->family) {
		case KEY_TED_LSP:
			if (strcmp(cli_str(e->value, "hostname", ""), node) == 0)
				return true;
			break;
		case KEY_SPEAKER:
		case KEY_STATIC_ROUTE:
		case KEY_RIB_ISIS_ROUTE:
		case KEY_RIB_SID:
		case KEY_RIB_TE_TUNNEL:
		case KEY_RIB_PROTECT:
		case KEY_BGP_ROUTE:
		case KEY_BGP_ANNOUNCE:
		case KEY_BGP_ORIGINATE:
		case KEY_AGENT_STATE:
			if (strcmp(e->ki.node, node) == 0)
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

int cli_no_node(const struct cli_state *s, const char *node, char *err, size_t errlen)
{
	char sp[KEYS_MAX], rib[KEYS_MAX];

	if (keys_speaker(&s->keys, node, sp, sizeof(sp)) < 0 ||
	    keys_prefix_rib_node(&s->keys, node, rib, sizeof(rib)) < 0) {
		snprintf(err, errlen, "no node named %s (not a valid node name)", node);
		return -ENOENT;
	}
	snprintf(err, errlen, "no node named %s (%s does not exist, no LSP has hostname %s, "
		 "nothing under %s)", node, cli_rel_key(&s->keys, sp), node,
		 cli_rel_key(&s->keys, rib));
	return -ENOENT;
}

struct row {
	prefix_t p;
	int pref;
	char *text;   /* lines after the prefix, without the leading tab of the first */
	json_t *json; /* {"prefix","source","preference","key","value"} */
};

struct rows {
	struct row *r;
	size_t n, cap;
};

static void add_row(struct rows *rs, const prefix_t *p, int pref, const char *source,
		    const struct cli_entry *e, char *text)
{
	char pb[PREFIX_STRLEN];

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 32;
		struct row *nr = realloc(rs->r, cap * sizeof(*nr));

		if (!nr) {
			free(text);
			return;
		}
		rs->r = nr;
		rs->cap = cap;
	}
	rs->r[rs->n].p = *p;
	rs->r[rs->n].pref = pref;
	rs->r[rs->n].text = text;
	rs->r[rs->n].json = json_pack("{s:s,s:s,s:i,s:s,s:O}", "prefix",
				      prefix_format(p, pb, sizeof(pb)), "source", source,
				      "preference", pref, "key", e->rel, "value", e->value);
	rs->n++;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	if (c)
		return c;
	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* "to 100.65.0.3 via et2 (r2)" */
static void fmt_nh(FILE *f, const json_t *nh)
{
	const char *a = cli_str(nh, "address", NULL), *i = cli_str(nh, "interface", NULL);
	const char *n = cli_str(nh, "neighbor", NULL);

	fprintf(f, "to %s", a ? a : "-");
	if (i)
		fprintf(f, " via %s", i);
	if (n)
		fprintf(f, " (%s)", n);
}

static void fmt_segments(FILE *f, const json_t *v)
{
	const json_t *seg = json_object_get(v, "segments"), *lab = json_object_get(v, "labels");
	char *j;

	if (seg) {
		j = cli_join(seg, " ");
		fprintf(f, "segments %s", j ? j : "?");
		free(j);
	} else if (lab) {
		j = cli_join(lab, " ");
		fprintf(f, "push %s", j ? j : "?");
		free(j);
	} else {
		fprintf(f, "no segments");
	}
}

typedef void (*fmt_fn)(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		       const void *arg);

static char *fmt(fmt_fn fn, const struct cli_state *s, const struct cli_entry *e,
		 const void *arg)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return strdup("?");
	fn(f, s, e, arg);
	fclose(f);
	return out;
}

static void fmt_static(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		       const void *arg)
{
	const char *type = cli_str(e->value, "type", "unicast");
	json_t *nh;
	size_t i;

	(void)s, (void)arg;
	fprintf(f, "[Static/%lld]", (long long)cli_int(e->value, "preference",
						       STATIC_DEFAULT_PREFERENCE));
	if (strcmp(type, "unicast") != 0) {
		fprintf(f, " %s", type);
		return;
	}
	json_array_foreach(json_object_get(e->value, "next_hops"), i, nh) {
		fprintf(f, i ? "\n\t           " : " ");
		fmt_nh(f, nh);
	}
}

static void fmt_isis(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		     const void *arg)
{
	json_t *nh, *b = json_object_get(e->value, "backup");
	size_t i;

	(void)s, (void)arg;
	fprintf(f, "[IS-IS/18] L%lld%s metric %lld", (long long)cli_int(e->value, "level", 2),
		json_is_true(json_object_get(e->value, "external")) ? " external" : "",
		(long long)cli_int(e->value, "metric", 0));
	json_array_foreach(json_object_get(e->value, "next_hops"), i, nh) {
		fprintf(f, i ? "\n\t            " : ", ");
		fmt_nh(f, nh);
	}
	if (b) {
		fprintf(f, "\n\t            backup ");
		fmt_nh(f, b);
		if (cli_str(b, "protects", NULL))
			fprintf(f, ", protects %s", cli_str(b, "protects", ""));
	}
}

static void fmt_te_dest(FILE *f, const struct cli_state *s, const struct cli_entry *e,
			const void *arg)
{
	(void)s, (void)arg;
	fprintf(f, "[TE/7] ");
	fmt_nh(f, json_object_get(e->value, "first_hop"));
	fprintf(f, ", lsp %s", cli_str(e->value, "lsp", "?"));
	if (json_object_get(e->value, "backup"))
		fprintf(f, " (protected)");
}

/* The node's tunnel whose destinations hold addr, or NULL */
static const struct cli_entry *tunnel_to(const struct cli_state *s, const char *node,
					 const addr_t *a)
{
	const struct cli_entry *e;
	char why[CLI_ERR_LEN];
	size_t i = 0;

	while ((e = cli_state_next(s, KEY_RIB_TE_TUNNEL, &i))) {
		json_t *d;
		size_t k;

		if (strcmp(e->ki.node, node) != 0 || !cli_entry_ok(e, why, sizeof(why)))
			continue;
		json_array_foreach(json_object_get(e->value, "destinations"), k, d) {
			prefix_t p;

			if (json_is_string(d) && prefix_parse(json_string_value(d), false, &p) == 0 &&
			    prefix_contains(&p, a))
				return e;
		}
	}
	return NULL;
}

/* The node's longest IGP route containing addr, or NULL */
static const struct cli_entry *igp_to(const struct cli_state *s, const char *node,
				      const addr_t *a)
{
	const struct cli_entry *e, *best = NULL;
	char why[CLI_ERR_LEN];
	size_t i = 0;

	while ((e = cli_state_next(s, KEY_RIB_ISIS_ROUTE, &i))) {
		if (strcmp(e->ki.node, node) != 0 || !prefix_contains(&e->ki.prefix, a) ||
		    !cli_entry_ok(e, why, sizeof(why)))
			continue;
		if (!best || e->ki.prefix.len > best->ki.prefix.len)
			best = e;
	}
	return best;
}

static void fmt_bgp(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		    const void *arg)
{
	const char *node = arg, *pnh = cli_str(e->value, "protocol_next_hop", "?");
	const json_t *peer = json_object_get(e->value, "peer");
	char *asp = cli_join(json_object_get(e->value, "as_path"), " ");
	addr_t a;

	if (strcmp(e->ki.node, node) == 0) {
		fprintf(f, "[BGP/170] (pnh: %s) from AS%lld %s", cli_str(e->value, "external_next_hop", "?"),
			(long long)cli_int(peer, "asn", 0), cli_str(peer, "address", "?"));
	} else {
		const struct cli_entry *t = NULL, *r = NULL;

		fprintf(f, "[BGP/170] (pnh: %s) ", pnh);
		if (addr_parse(pnh, &a) == 0) {
			t = tunnel_to(s, node, &a);
			if (!t)
				r = igp_to(s, node, &a);
		}
		if (t) {
			fmt_nh(f, json_object_get(t->value, "first_hop"));
			fprintf(f, ", lsp %s", cli_str(t->value, "lsp", "?"));
		} else if (r) {
			fmt_nh(f, json_array_get(json_object_get(r->value, "next_hops"), 0));
			fprintf(f, ", over IS-IS");
		} else {
			fprintf(f, "unresolved");
		}
		fprintf(f, ", from %s", e->ki.node);
	}
	fprintf(f, ", AS path %s, local-pref %lld", asp ? asp : "?",
		(long long)cli_int(e->value, "local_pref", 100));
	free(asp);
}

static void fmt_tunnel(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		       const void *arg)
{
	const json_t *v = e->value, *b = json_object_get(v, "backup");
	char *path = cli_join(json_object_get(v, "path"), " ");
	char bw[32];

	(void)s, (void)arg;
	fprintf(f, "[TE/7] ");
	fmt_nh(f, json_object_get(v, "first_hop"));
	fprintf(f, ", lsp %s to %s, path %s", cli_str(v, "lsp", "?"), cli_str(v, "to", "?"),
		path ? path : "?");
	if (json_object_get(v, "metric"))
		fprintf(f, ", metric %lld", (long long)cli_int(v, "metric", 0));
	if (json_object_get(v, "bandwidth"))
		fprintf(f, ", bandwidth %s", cli_bw(json_number_value(json_object_get(v, "bandwidth")),
						    bw, sizeof(bw)));
	fprintf(f, "\n\t       %s ", cli_str(v, "dataplane", "?"));
	fmt_segments(f, v);
	if (b) {
		fprintf(f, "\n\t       backup for %s ", cli_str(b, "link", "?"));
		fmt_nh(f, json_object_get(b, "first_hop"));
		fprintf(f, ", ");
		fmt_segments(f, b);
	}
	free(path);
}

static void fmt_sid(FILE *f, const struct cli_state *s, const struct cli_entry *e,
		    const void *arg)
{
	const json_t *v = e->value;
	const char *b = cli_str(v, "behavior", NULL);

	(void)s, (void)arg;
	if (b) {
		fprintf(f, "[SID] %s", b);
		if (cli_str(v, "nh6", NULL) || cli_str(v, "interface", NULL)) {
			fprintf(f, " to %s", cli_str(v, "nh6", "-"));
			if (cli_str(v, "interface", NULL))
				fprintf(f, " via %s", cli_str(v, "interface", ""));
			if (cli_str(v, "neighbor", NULL))
				fprintf(f, " (%s)", cli_str(v, "neighbor", ""));
		}
		if (cli_str(v, "table", NULL))
			fprintf(f, " table %s", cli_str(v, "table", ""));
		if (cli_str(v, "nh4", NULL))
			fprintf(f, " nh4 %s", cli_str(v, "nh4", ""));
		if (json_object_get(v, "segments")) {
			fprintf(f, ", ");
			fmt_segments(f, v);
		}
		if (cli_str(v, "lsp", NULL))
			fprintf(f, ", lsp %s", cli_str(v, "lsp", ""));
	} else {
		const json_t *nh = json_object_get(v, "next_hop");
		char *ol = cli_join(json_object_get(v, "out_labels"), " ");

		fprintf(f, "[MPLS] %s", cli_str(v, "op", "?"));
		if (json_object_get(v, "out_labels"))
			fprintf(f, " in %s", ol ? ol : "?");
		if (nh) {
			fprintf(f, " ");
			fmt_nh(f, nh);
		}
		free(ol);
	}
}

static void fmt_protect(FILE *f, const struct cli_state *s, const struct cli_entry *e,
			const void *arg)
{
	const json_t *v = e->value;
	char *path = cli_join(json_object_get(v, "path"), " ");
	char *lsps = cli_join(json_object_get(v, "lsps"), " ");

	(void)s, (void)arg;
	fprintf(f, "[TE] %s bypass to %s", cli_str(v, "protection", "?"),
		cli_str(v, "merge_point", "?"));
	if (cli_str(v, "protected_node", NULL))
		fprintf(f, " around %s", cli_str(v, "protected_node", ""));
	fprintf(f, ", path %s, ", path ? path : "?");
	fmt_nh(f, json_object_get(v, "first_hop"));
	fprintf(f, "\n\t     %s ", cli_str(v, "dataplane", "?"));
	fmt_segments(f, v);
	fprintf(f, ", protects %s", lsps ? lsps : "?");
	free(path), free(lsps);
}

/* One section of entries of one family of the node, printed "<name>\n\t<text>". */
static void section(FILE *out, const struct cli_state *s, const char *node, int family,
		    fmt_fn fn, json_t *list, json_t *invalid, bool json, size_t *n)
{
	const struct cli_entry *e;
	char why[CLI_ERR_LEN];
	size_t i = 0;

	while ((e = cli_state_next(s, family, &i))) {
		char *text;
		const char *last;

		if (strcmp(e->ki.node, node) != 0)
			continue;
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "%s (invalid value: %s)\n", e->rel, why);
			continue;
		}
		(*n)++;
		if (json) {
			json_array_append(list, e->value);
			continue;
		}
		last = strrchr(e->rel, '/');
		text = fmt(fn, s, e, NULL);
		fprintf(out, "%s\n\t%s\n", last ? last + 1 : e->rel, text);
		free(text);
	}
}

int show_route(FILE *out, const struct cli_state *s, const struct show_opts *o, char *err,
	       size_t errlen)
{
	const char *node = o->name;
	json_t *invalid = json_array(), *inet0 = json_array(), *inet3 = json_array();
	json_t *sids = json_array(), *prot = json_array(), *agent = NULL;
	struct rows rs = { 0 };
	const struct cli_entry *e;
	char why[CLI_ERR_LEN], key[KEYS_MAX];
	size_t i, n3 = 0, nsid = 0, nprot = 0;

	if (!node || !cli_node_known(s, node)) {
		json_decref(invalid), json_decref(inet0), json_decref(inet3);
		json_decref(sids), json_decref(prot);
		if (!node) {
			snprintf(err, errlen, "show route needs a NODE");
			return -EINVAL;
		}
		return cli_no_node(s, node, err, errlen);
	}
	if (!o->json)
		fprintf(out, "### %s routes ###\n", node);
	/* invalid values of every source are reported before the tables */
	for (i = 0; i < s->n; i++) {
		e = &s->e[i];
		switch (e->family) {
		case KEY_STATIC_ROUTE:
		case KEY_RIB_ISIS_ROUTE:
		case KEY_RIB_TE_TUNNEL:
			if (strcmp(e->ki.node, node) != 0)
				continue;
			break;
		case KEY_BGP_ROUTE:
			break;
		default:
			continue;
		}
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (o->json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "%s (invalid value: %s)\n", e->rel, why);
			continue;
		}
		switch (e->family) {
		case KEY_STATIC_ROUTE:
			add_row(&rs, &e->ki.prefix, (int)cli_int(e->value, "preference",
				STATIC_DEFAULT_PREFERENCE), "static", e, fmt(fmt_static, s, e, NULL));
			break;
		case KEY_RIB_ISIS_ROUTE:
			add_row(&rs, &e->ki.prefix, 18, "isis", e, fmt(fmt_isis, s, e, NULL));
			break;
		case KEY_RIB_TE_TUNNEL: {
			json_t *d;
			size_t k;

			json_array_foreach(json_object_get(e->value, "destinations"), k, d) {
				prefix_t p;

				if (json_is_string(d) && prefix_parse(json_string_value(d), false, &p) == 0)
					add_row(&rs, &p, 7, "te", e, fmt(fmt_te_dest, s, e, NULL));
			}
			break;
		}
		case KEY_BGP_ROUTE:
			add_row(&rs, &e->ki.prefix, 170, "bgp", e, fmt(fmt_bgp, s, e, node));
			break;
		}
	}
	if (rs.n > 1)
		qsort(rs.r, rs.n, sizeof(*rs.r), row_cmp);
	if (!o->json)
		fprintf(out, "inet.0\n\n");
	for (i = 0; i < rs.n; i++) {
		bool first = i == 0 || prefix_cmp(&rs.r[i].p, &rs.r[i - 1].p) != 0;
		char pb[PREFIX_STRLEN];

		json_object_set_new(rs.r[i].json, "active", json_boolean(first));
		json_array_append(inet0, rs.r[i].json);
		if (o->json)
			continue;
		if (first)
			fprintf(out, "%s\n", prefix_format(&rs.r[i].p, pb, sizeof(pb)));
		fprintf(out, "\t%s%s\n", first ? "*" : " ", rs.r[i].text);
	}
	if (!o->json) {
		if (!rs.n)
			fprintf(out, "(no routes)\n");
		fprintf(out, "\ninet.3\n\n");
		/* one entry per tunnel destination */
		i = 0;
		while ((e = cli_state_next(s, KEY_RIB_TE_TUNNEL, &i))) {
			json_t *d;
			size_t k;
			char *text;

			if (strcmp(e->ki.node, node) != 0 || !cli_entry_ok(e, why, sizeof(why)))
				continue;
			text = fmt(fmt_tunnel, s, e, NULL);
			json_array_foreach(json_object_get(e->value, "destinations"), k, d)
				fprintf(out, "%s\n\t%s\n", json_is_string(d) ? json_string_value(d) : "?", text);
			free(text);
			n3++;
		}
		if (!n3)
			fprintf(out, "(no tunnels)\n");
		fprintf(out, "\nSIDs\n\n");
	} else {
		i = 0;
		while ((e = cli_state_next(s, KEY_RIB_TE_TUNNEL, &i)))
			if (strcmp(e->ki.node, node) == 0 && cli_entry_ok(e, why, sizeof(why)))
				json_array_append(inet3, e->value);
	}
	section(out, s, node, KEY_RIB_SID, fmt_sid, sids, invalid, o->json, &nsid);
	if (!o->json) {
		if (!nsid)
			fprintf(out, "(no SIDs)\n");
		fprintf(out, "\nprotection\n\n");
	}
	section(out, s, node, KEY_RIB_PROTECT, fmt_protect, prot, invalid, o->json, &nprot);
	if (!o->json && !nprot)
		fprintf(out, "(no bypasses)\n");
	if (keys_agent_state(&s->keys, node, key, sizeof(key)) >= 0 &&
	    (e = cli_state_get(s, key))) {
		if (!cli_entry_ok(e, why, sizeof(why))) {
			if (o->json)
				cli_json_invalid(invalid, e->rel, why);
			else
				fprintf(out, "\n%s (invalid value: %s)\n", e->rel, why);
		} else if (o->json) {
			agent = json_incref(e->value);
		} else {
			const json_t *c = json_object_get(e->value, "counts");
			const char *k;
			json_t *v;

			fprintf(out, "\nFIB agent (%s): revision %lld, %s", e->rel,
				(long long)cli_int(e->value, "revision", 0),
				json_is_true(json_object_get(e->value, "connected")) ? "connected" : "disconnected");
			json_object_foreach((json_t *)c, k, v)
				fprintf(out, ", %s %lld", k, (long long)json_integer_value(v));
			if (json_object_get(e->value, "unresolved_count"))
				fprintf(out, ", unresolved %lld", (long long)cli_int(e->value, "unresolved_count", 0));
			fprintf(out, "\n");
			if ((c = json_object_get(e->value, "last_error")))
				fprintf(out, "  last error: %s\n", cli_str(c, "message", "?"));
		}
	} else if (!o->json) {
		fprintf(out, "\nFIB agent: no %s (no agent reports for %s)\n",
			cli_rel_key(&s->keys, key), node);
	}
	if (o->json) {
		json_t *doc = json_pack("{s:s,s:O,s:O,s:O,s:O,s:o}", "node", node, "inet.0", inet0,
					"inet.3", inet3, "sids", sids, "protect", prot, "agent",
					agent ? agent : json_null());

		if (json_array_size(invalid))
			json_object_set(doc, "invalid", invalid);
		cli_json_print(out, doc);
		json_decref(doc);
	}
	for (i = 0; i < rs.n; i++) {
		free(rs.r[i].text);
		json_decref(rs.r[i].json);
	}
	free(rs.r);
	json_decref(invalid), json_decref(inet0), json_decref(inet3);
	json_decref(sids), json_decref(prot);
	return 0;
}
