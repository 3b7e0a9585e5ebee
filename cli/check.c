/* check — the shape checks kvtectl applies to a stored value before formatting it.
 *
 * Not a schema validator (tests/schemas/validate.py and lib/validate.c are): kvtectl
 * only makes sure the fields a show command prints have the types it expects, and
 * names the first one that does not, so a bad value in etcd is shown as
 * "<key> (invalid value: <field>: <reason>)" rather than printed half-wrong. Operator
 * values (config/lsps, config/static, config/admin-groups) go through lib/validate.h's
 * validators, which are exact. The required fields follow schemas/<family>.schema.json.
 * Also checks that a value naming itself (prefix, lsp, link, node) agrees with its key. */
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"
#include "lib/validate.h"

struct field { const char *name; char type; }; /* s i n a o b */

static const struct field *required(int family)
{
	static const struct field lsp_req[] = { { "from", 's' }, { "to", 's' }, { 0 } };
	static const struct field ted[] = { { "lsp_id", 's' }, { "level", 'i' }, { "seq", 'i' },
		{ "checksum", 's' }, { "remaining_lifetime", 'i' }, { "flags", 'o' }, { 0 } };
	static const struct field spk[] = { { "node", 's' }, { "system_id", 's' },
		{ "started", 's' }, { "adjacencies", 'a' }, { 0 } };
	static const struct field isis[] = { { "prefix", 's' }, { "metric", 'i' },
		{ "level", 'i' }, { "next_hops", 'a' }, { 0 } };
	static const struct field te[] = { { "lsp", 's' }, { "to", 's' },
		{ "destinations", 'a' }, { "dataplane", 's' }, { "first_hop", 'o' }, { 0 } };
	static const struct field prot[] = { { "link", 's' }, { "protection", 's' },
		{ "merge_point", 's' }, { "dataplane", 's' }, { "first_hop", 'o' },
		{ "lsps", 'a' }, { 0 } };
	static const struct field path[] = { { "lsp", 's' }, { "state", 's' }, { "since", 's' },
		{ 0 } };
	static const struct field link[] = { { "link", 's' }, { "from", 's' }, { "to", 's' },
		{ "max_reservable", 'n' }, { "reserved", 'a' }, { "unreserved", 'a' }, { 0 } };
	static const struct field leader[] = { { "id", 's' }, { "since", 's' }, { 0 } };
	static const struct field bgp[] = { { "prefix", 's' }, { "node", 's' }, { "peer", 'o' },
		{ "external_next_hop", 's' }, { "protocol_next_hop", 's' }, { "origin", 's' },
		{ "as_path", 'a' }, { "learned_at", 's' }, { 0 } };
	static const struct field ann[] = { { "prefix", 's' }, { "next_hop", 's' }, { 0 } };
	static const struct field orig[] = { { "prefix", 's' }, { 0 } };
	static const struct field agent[] = { { "node", 's' }, { "revision", 'i' },
		{ "connected", 'b' }, { "counts", 'o' }, { 0 } };
	static const struct field none[] = { { 0 } };

	switch (family) {
	case KEY_LSP_REQUEST: return lsp_req;
	case KEY_TED_LSP: return ted;
	case KEY_SPEAKER: return spk;
	case KEY_RIB_ISIS_ROUTE: return isis;
	case KEY_RIB_TE_TUNNEL: return te;
	case KEY_RIB_PROTECT: return prot;
	case KEY_TE_PATH: return path;
	case KEY_TE_LINK: return link;
	case KEY_TE_LEADER: return leader;
	case KEY_BGP_ROUTE: return bgp;
	case KEY_BGP_ANNOUNCE: return ann;
	case KEY_BGP_ORIGINATE: return orig;
	case KEY_AGENT_STATE: return agent;
	default: return none;
	}
}

static bool type_ok(const json_t *v, char t)
{
	switch (t) {
	case 's': return json_is_string(v);
	case 'i': return json_is_integer(v);
	case 'n': return json_is_number(v);
	case 'a': return json_is_array(v);
	case 'o': return json_is_object(v);
	case 'b': return json_is_boolean(v);
	}
	return false;
}

static const char *type_name(char t)
{
	switch (t) {
	case 's': return "a string";
	case 'i': return "an integer";
	case 'n': return "a number";
	case 'a': return "an array";
	case 'o': return "an object";
	default: return "a boolean";
	}
}

/* The value's own name for itself must be the key's. */
static bool self_ok(const struct cli_entry *e, char *why, size_t len)
{
	const char *field = NULL, *want = NULL;
	char buf[KEYS_LINK_STRLEN > PREFIX_STRLEN ? KEYS_LINK_STRLEN : PREFIX_STRLEN];
	const char *got;

	switch (e->family) {
	case KEY_TE_PATH:
	case KEY_RIB_TE_TUNNEL:
		field = "lsp", want = e->ki.lsp;
		break;
	case KEY_SPEAKER:
	case KEY_AGENT_STATE:
		field = "node", want = e->ki.node;
		break;
	case KEY_TE_LINK:
	case KEY_RIB_PROTECT:
		keys_link_format(&e->ki.link, buf, sizeof(buf));
		field = "link", want = buf;
		break;
	case KEY_RIB_ISIS_ROUTE:
	case KEY_BGP_ROUTE:
	case KEY_BGP_ANNOUNCE:
	case KEY_BGP_ORIGINATE: {
		prefix_t p;

		if (!(got = cli_str(e->value, "prefix", NULL)) || prefix_parse(got, false, &p) < 0) {
			snprintf(why, len, "prefix: expected a canonical prefix, got %s",
				 got ? got : "nothing");
			return false;
		}
		if (prefix_cmp(&p, &e->ki.prefix) != 0) {
			snprintf(why, len, "prefix: %s differs from the key's %s", got,
				 prefix_format(&e->ki.prefix, buf, sizeof(buf)));
			return false;
		}
		return true;
	}
	case KEY_TED_LSP:
		keys_lsp_id_format(&e->ki.lsp_id, buf, sizeof(buf));
		field = "lsp_id", want = buf;
		break;
	default:
		return true;
	}
	got = cli_str(e->value, field, "");
	if (strcmp(got, want) != 0) {
		snprintf(why, len, "%s: \"%s\" differs from the key's \"%s\"", field, got, want);
		return false;
	}
	return true;
}

bool cli_entry_ok(const struct cli_entry *e, char *why, size_t len)
{
	const struct field *f;

	if (!e->value) {
		snprintf(why, len, "%s", e->err[0] ? e->err : "no value");
		return false;
	}
	switch (e->family) {
	case KEY_LSP_REQUEST: {
		struct lsp_request *r = malloc(sizeof(*r));
		int rc = r ? validate_lsp_request(e->value, r, why, len) : -1;

		free(r);
		return rc == 0;
	}
	case KEY_ADMIN_GROUPS: {
		struct admin_groups *g = malloc(sizeof(*g));
		int rc = g ? validate_admin_groups(e->value, g, why, len) : -1;

		free(g);
		return rc == 0;
	}
	case KEY_STATIC_ROUTE: {
		struct static_route *r = malloc(sizeof(*r));
		int rc = r ? validate_static_route(e->value, &e->ki.prefix, r, why, len) : -1;

		free(r);
		return rc == 0;
	}
	default:
		break;
	}
	for (f = required(e->family); f->name; f++) {
		const json_t *v = json_object_get(e->value, f->name);

		if (!v) {
			snprintf(why, len, "%s: missing", f->name);
			return false;
		}
		if (!type_ok(v, f->type)) {
			char d[64];

			snprintf(why, len, "%s: expected %s, got %s", f->name, type_name(f->type),
				 jx_describe(v, d, sizeof(d)));
			return false;
		}
	}
	return self_ok(e, why, len);
}
