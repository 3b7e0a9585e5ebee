/* keys — builds and parses every etcd key kvte uses (DESIGN §5, docs/keys.md).
 *
 * One table, `layouts`, holds each family's schema name and path pattern, e.g.
 * "rib/{node}/isis/{prefix}". keys_build walks a pattern writing literals and
 * formatting placeholders from a struct key_info; keys_parse splits a key at '/' and
 * matches it against every pattern, parsing placeholders back. Components are checked
 * on both paths, so a key kvte writes always parses and a key it parses always
 * rebuilds to the same bytes. Prefix key forms come from lib/addr.c; nothing here
 * allocates or does I/O. Declared in lib/keys.h; tested by tests/unit/test_keys.c. */
#include "lib/keys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define KEYS_MAX_SEGMENTS 8

enum placeholder {
	PH_NONE,
	PH_NODE,
	PH_LSP,
	PH_PREFIX,
	PH_LINK,
	PH_SID,
	PH_LSP_ID,
};

static const struct {
	const char *token;
	enum placeholder ph;
} placeholders[] = {
	{ "{node}", PH_NODE },	   { "{lsp}", PH_LSP },	  { "{prefix}", PH_PREFIX },
	{ "{link}", PH_LINK },	   { "{sid}", PH_SID },	  { "{lsp_id}", PH_LSP_ID },
};

static const struct layout {
	const char *name;    /* schemas/<name>.schema.json */
	const char *pattern; /* path under the root, '/'-separated */
} layouts[KEY_FAMILY_COUNT] = {
	[KEY_LSP_REQUEST] = { "lsp-request", "config/lsps/{lsp}" },
	[KEY_ADMIN_GROUPS] = { "admin-groups", "config/admin-groups" },
	[KEY_STATIC_ROUTE] = { "static-route", "config/static/{node}/{prefix}" },
	[KEY_TED_LSP] = { "ted-lsp", "ted/lsp/{lsp_id}" },
	[KEY_SPEAKER] = { "speaker", "speakers/{node}" },
	[KEY_RIB_ISIS_ROUTE] = { "rib-isis-route", "rib/{node}/isis/{prefix}" },
	[KEY_RIB_SID] = { "rib-sid", "rib/{node}/sid/{sid}" },
	[KEY_RIB_TE_TUNNEL] = { "rib-te-tunnel", "rib/{node}/te/{lsp}" },
	[KEY_RIB_PROTECT] = { "rib-protect", "rib/{node}/protect/{link}" },
	[KEY_TE_PATH] = { "te-path", "te/paths/{lsp}" },
	[KEY_TE_LINK] = { "te-link", "te/links/{link}" },
	[KEY_TE_LEADER] = { "te-leader", "te/leader" },
	[KEY_BGP_ROUTE] = { "bgp-route", "bgp/routes/{prefix}/{node}" },
	[KEY_BGP_ANNOUNCE] = { "bgp-announce", "bgp/announce/{node}/{prefix}" },
	[KEY_BGP_ORIGINATE] = { "bgp-originate", "bgp/originate/{node}/{prefix}" },
	[KEY_AGENT_STATE] = { "agent-state", "state/{node}/agent" },
};

static bool family_ok(enum key_family f)
{
	return (unsigned)f < KEY_FAMILY_COUNT;
}

/* ---- component checks ------------------------------------------------------- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* 1..max bytes of name_char, exactly n bytes long. */
static bool span_valid(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!name_char(s[i]))
			return false;
	}
	return true;
}

bool keys_name_valid(const char *name)
{
	return name && span_valid(name, strnlen(name, KEYS_NAME_MAX + 1), KEYS_NAME_MAX);
}

bool keys_ifname_valid(const char *ifname)
{
	return ifname &&
	       span_valid(ifname, strnlen(ifname, KEYS_IFNAME_MAX + 1), KEYS_IFNAME_MAX);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* uppercase is not canonical */
}

/* ---- root ------------------------------------------------------------------- */

static bool root_valid(const char *root)
{
	size_t n = strnlen(root, KEYS_ROOT_MAX + 1);

	if (n == 0 || n > KEYS_ROOT_MAX || root[0] != '/' || root[n - 1] != '/')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (root[i] == '/') {
			if (root[i - 1] == '/')
				return false; /* empty segment */
		} else if (!name_char(root[i])) {
			return false;
		}
	}
	return true;
}

int keys_init(keys_t *k, const char *root)
{
	int rc = 0;

	if (!k)
		return -EINVAL;
	if (root && !root_valid(root)) {
		root = NULL;
		rc = -EINVAL;
	}
	if (!root)
		root = KEYS_ROOT_DEFAULT;
	k->root_len = strlen(root);
	memcpy(k->root, root, k->root_len + 1);
	return rc;
}

const char *keys_root(const keys_t *k)
{
	return k ? k->root : KEYS_ROOT_DEFAULT;
}

/* ---- family names ----------------------------------------------------------- */

const char *keys_family_name(enum key_family f)
{
	return family_ok(f) ? layouts[f].name : "unknown";
}

int keys_family_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int f = 0; f < KEY_FAMILY_COUNT; f++) {
		if (strcmp(layouts[f].name, name) == 0)
			return f;
	}
	return -EINVAL;
}

const char *keys_family_pattern(enum key_family f)
{
	return family_ok(f) ? layouts[f].pattern : "";
}

/* ---- links, SIDs, LSP IDs ---------------------------------------------------- */

/* Writes s (n bytes) then NUL into buf; length or -ENAMETOOLONG. */
static int put(char *buf, size_t size, const char *s, size_t n)
{
	if (!buf || n >= size) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (int)n;
}

int keys_link_make(const char *node, const char *ifname, struct key_link *out)
{
	if (!out || !keys_name_valid(node) || !keys_ifname_valid(ifname))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	strcpy(out->node, node);
	strcpy(out->ifname, ifname);
	return 0;
}

int keys_link_format(const struct key_link *l, char *buf, size_t size)
{
	char tmp[KEYS_LINK_STRLEN];
	int n;

	if (!l || !keys_name_valid(l->node) || !keys_ifname_valid(l->ifname)) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	n = snprintf(tmp, sizeof(tmp), "%s:%s", l->node, l->ifname);
	return put(buf, size, tmp, (size_t)n);
}

/* A link is "<node>:<ifname>"; neither part may hold ':', so it splits at the one ':'. */
static int link_parse_n(const char *s, size_t n, struct key_link *out)
{
	const char *colon = memchr(s, ':', n);
	size_t nn, in;
	struct key_link l;

	if (!colon)
		return -EINVAL;
	nn = (size_t)(colon - s);
	in = n - nn - 1;
	if (!span_valid(s, nn, KEYS_NAME_MAX) || !span_valid(colon + 1, in, KEYS_IFNAME_MAX))
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	memcpy(l.node, s, nn);
	memcpy(l.ifname, colon + 1, in);
	*out = l;
	return 0;
}

int keys_link_parse(const char *s, struct key_link *out)
{
	if (!s || !out)
		return -EINVAL;
	return link_parse_n(s, strlen(s), out);
}

int keys_sid_format(const struct key_sid *sid, char *buf, size_t size)
{
	char tmp[KEYS_SID_STRLEN];
	int n;

	if (!sid)
		goto bad;
	if (sid->is_label) {
		if (sid->label < KEYS_MPLS_LABEL_MIN || sid->label > KEYS_MPLS_LABEL_MAX)
			goto bad;
		n = snprintf(tmp, sizeof(tmp), "%u", (unsigned)sid->label);
	} else {
		if (sid->addr.family != AF_INET6)
			goto bad;
		addr_format(&sid->addr, tmp, sizeof(tmp));
		n = (int)strlen(tmp);
		if (n == 0)
			goto bad;
	}
	return put(buf, size, tmp, (size_t)n);
bad:
	if (buf && size > 0)
		buf[0] = '\0';
	return -EINVAL;
}

static int sid_parse_n(const char *s, size_t n, struct key_sid *out)
{
	char tmp[KEYS_SID_STRLEN], canon[KEYS_SID_STRLEN];
	struct key_sid sid;

	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memset(&sid, 0, sizeof(sid));
	if (s[0] >= '0' && s[0] <= '9' && !memchr(s, ':', n)) {
		uint32_t v = 0;

		if (s[0] == '0' || n > 7)
			return -EINVAL; /* no leading zeros; 7 digits > 2^20 */
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			v = v * 10 + (uint32_t)(s[i] - '0');
		}
		if (v < KEYS_MPLS_LABEL_MIN || v > KEYS_MPLS_LABEL_MAX)
			return -EINVAL;
		sid.is_label = true;
		sid.label = v;
	} else {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (addr_parse(tmp, &sid.addr) < 0 || sid.addr.family != AF_INET6)
			return -EINVAL;
		/* One SID, one key: "FC00:0:1:E000::" would alias "fc00:0:1:e000::". */
		addr_format(&sid.addr, canon, sizeof(canon));
		if (strcmp(canon, tmp) != 0)
			return -EINVAL;
	}
	*out = sid;
	return 0;
}

int keys_sid_parse(const char *s, struct key_sid *out)
{
	if (!s || !out)
		return -EINVAL;
	return sid_parse_n(s, strlen(s), out);
}

int keys_lsp_id_format(const struct key_lsp_id *id, char *buf, size_t size)
{
	char tmp[KEYS_LSP_ID_STRLEN];
	const uint8_t *b;
	int n;

	if (!id) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	b = id->system_id;
	n = snprintf(tmp, sizeof(tmp), "%02x%02x.%02x%02x.%02x%02x.%02x-%02x", b[0], b[1],
		     b[2], b[3], b[4], b[5], id->pseudonode, id->fragment);
	return put(buf, size, tmp, (size_t)n);
}

/* Exactly "xxxx.xxxx.xxxx.xx-xx", lowercase hex. */
static int lsp_id_parse_n(const char *s, size_t n, struct key_lsp_id *out)
{
	static const char shape[] = "hhhh.hhhh.hhhh.hh-hh";
	uint8_t bytes[8];
	size_t nb = 0;

	if (n != sizeof(shape) - 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (shape[i] != 'h') {
			if (s[i] != shape[i])
				return -EINVAL;
			continue;
		}
		if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0 || shape[i + 1] != 'h')
			return -EINVAL;
		bytes[nb++] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
		i++;
	}
	memcpy(out->system_id, bytes, 6);
	out->pseudonode = bytes[6];
	out->fragment = bytes[7];
	return 0;
}

int keys_lsp_id_parse(const char *s, struct key_lsp_id *out)
{
	struct key_lsp_id id;

	if (!s || !out || lsp_id_parse_n(s, strlen(s), &id) < 0)
		return -EINVAL;
	*out = id;
	return 0;
}

/* ---- building --------------------------------------------------------------- */

struct builder {
	char *buf;
	size_t size, len;
	int err; /* first error, sticky */
};

static void b_add(struct builder *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n >= b->size) {
		b->err = -ENAMETOOLONG;
		return;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void b_str(struct builder *b, const char *s)
{
	b_add(b, s, strlen(s));
}

static void b_fail(struct builder *b, int err)
{
	if (!b->err)
		b->err = err;
}

static enum placeholder placeholder_at(const char *p, size_t *token_len)
{
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		size_t n = strlen(placeholders[i].token);

		if (strncmp(p, placeholders[i].token, n) == 0) {
			*token_len = n;
			return placeholders[i].ph;
		}
	}
	*token_len = 0;
	return PH_NONE;
}

/* Formats one component of ki into tmp; 0 or -EINVAL. */
static int format_component(enum placeholder ph, const struct key_info *ki, char *tmp,
			    size_t size)
{
	prefix_t check;

	switch (ph) {
	case PH_NODE:
		return keys_name_valid(ki->node) ? put(tmp, size, ki->node, strlen(ki->node))
						 : -EINVAL;
	case PH_LSP:
		return keys_name_valid(ki->lsp) ? put(tmp, size, ki->lsp, strlen(ki->lsp))
						: -EINVAL;
	case PH_PREFIX:
		/* Only a prefix that parses back (known family, length in range, host bits
		 * clear) has a key. */
		if (addr_bits(&ki->prefix.addr) == 0 ||
		    ki->prefix.len > addr_bits(&ki->prefix.addr))
			return -EINVAL;
		prefix_format_key(&ki->prefix, tmp, size);
		if (prefix_parse_key(tmp, &check) < 0 || prefix_cmp(&check, &ki->prefix) != 0)
			return -EINVAL;
		return 0;
	case PH_LINK:
		return keys_link_format(&ki->link, tmp, size);
	case PH_SID:
		return keys_sid_format(&ki->sid, tmp, size);
	case PH_LSP_ID:
		return keys_lsp_id_format(&ki->lsp_id, tmp, size);
	case PH_NONE:
		break;
	}
	return -EINVAL;
}

static void b_component(struct builder *b, enum placeholder ph, const struct key_info *ki)
{
	char tmp[KEYS_LINK_STRLEN > PREFIX_STRLEN ? KEYS_LINK_STRLEN : PREFIX_STRLEN];

	if (b->err)
		return;
	if (!ki || format_component(ph, ki, tmp, sizeof(tmp)) < 0)
		b_fail(b, -EINVAL);
	else
		b_str(b, tmp);
}

/* Expands pattern bytes [0, stop) of family f (stop = strlen for the full key). */
static int build_upto(const keys_t *k, enum key_family f, const struct key_info *ki,
		      size_t stop, char *buf, size_t size)
{
	struct builder b = { buf, size, 0, 0 };
	const char *p;

	if (!k || !family_ok(f) || !buf) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	if (size == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	b_add(&b, k->root, k->root_len);
	p = layouts[f].pattern;
	for (size_t i = 0; i < stop && p[i] && !b.err;) {
		size_t tlen;
		enum placeholder ph = p[i] == '{' ? placeholder_at(p + i, &tlen) : PH_NONE;

		if (ph == PH_NONE) {
			b_add(&b, p + i, 1);
			i++;
			continue;
		}
		b_component(&b, ph, ki);
		i += tlen;
	}
	if (!b.err && f == KEY_RIB_PROTECT && stop >= strlen(p) &&
	    strcmp(ki->node, ki->link.node) != 0)
		b.err = -EINVAL; /* a PLR protects only its own links */
	if (b.err) {
		buf[0] = '\0';
		return b.err;
	}
	return (int)b.len;
}

int keys_build(const keys_t *k, const struct key_info *ki, char *buf, size_t size)
{
	if (!ki) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	return build_upto(k, ki->family, ki, (size_t)-1, buf, size);
}

/* Copies a name into a fixed field; an over-long or NULL name is left as "" (invalid)
 * so the builder rejects it instead of truncating it into a different valid name. */
static void set_name(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap) : cap;

	if (n >= cap) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, src, n + 1);
}

static void set_node(struct key_info *ki, const char *node)
{
	set_name(ki->node, sizeof(ki->node), node);
}

static void set_lsp(struct key_info *ki, const char *lsp)
{
	set_name(ki->lsp, sizeof(ki->lsp), lsp);
}

static int build_simple(const keys_t *k, enum key_family f, const char *node,
			const char *lsp, const prefix_t *p, char *buf, size_t size)
{
	struct key_info ki;

	memset(&ki, 0, sizeof(ki));
	ki.family = f;
	set_node(&ki, node);
	set_lsp(&ki, lsp);
	if (p)
		ki.prefix = *p;
	return keys_build(k, &ki, buf, size);
}

int keys_lsp_request(const keys_t *k, const char *lsp, char *buf, size_t size)
{
	return build_simple(k, KEY_LSP_REQUEST, NULL, lsp, NULL, buf, size);
}

int keys_admin_groups(const keys_t *k, char *buf, size_t size)
{
	return build_simple(k, KEY_ADMIN_GROUPS, NULL, NULL, NULL, buf, size);
}

int keys_static_route(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		      size_t size)
{
	if (!p)
		return build_upto(NULL, KEY_STATIC_ROUTE, NULL, 0, buf, size);
	return build_simple(k, KEY_STATIC_ROUTE, node, NULL, p, buf, size);
}

int keys_ted_lsp(const keys_t *k, const struct key_lsp_id *id, char *buf, size_t size)
{
	struct key_info ki;

	if (!id)
		return build_upto(NULL, KEY_TED_LSP, NULL, 0, buf, size);
	memset(&ki, 0, sizeof(ki));
	ki.family = KEY_TED_LSP;
	ki.lsp_id = *id;
	return keys_build(k, &ki, buf, size);
}

int keys_speaker(const keys_t *k, const char *node, char *buf, size_t size)
{
	return build_simple(k, KEY_SPEAKER, node, NULL, NULL, buf, size);
}

int keys_rib_isis_route(const keys_t *k, const char *node, const prefix_t *p, char *buf,
			size_t size)
{
	if (!p)
		return build_upto(NULL, KEY_RIB_ISIS_ROUTE, NULL, 0, buf, size);
	return build_simple(k, KEY_RIB_ISIS_ROUTE, node, NULL, p, buf, size);
}

int keys_rib_sid(const keys_t *k, const char *node, const struct key_sid *sid, char *buf,
		 size_t size)
{
	struct key_info ki;

	if (!sid)
		return build_upto(NULL, KEY_RIB_SID, NULL, 0, buf, size);
	memset(&ki, 0, sizeof(ki));
	ki.family = KEY_RIB_SID;
	set_node(&ki, node);
	ki.sid = *sid;
	return keys_build(k, &ki, buf, size);
}

int keys_rib_te_tunnel(const keys_t *k, const char *node, const char *lsp, char *buf,
		       size_t size)
{
	return build_simple(k, KEY_RIB_TE_TUNNEL, node, lsp, NULL, buf, size);
}

int keys_rib_protect(const keys_t *k, const char *node, const struct key_link *link,
		     char *buf, size_t size)
{
	struct key_info ki;

	if (!link)
		return build_upto(NULL, KEY_RIB_PROTECT, NULL, 0, buf, size);
	memset(&ki, 0, sizeof(ki));
	ki.family = KEY_RIB_PROTECT;
	set_node(&ki, node);
	ki.link = *link;
	return keys_build(k, &ki, buf, size);
}

int keys_te_path(const keys_t *k, const char *lsp, char *buf, size_t size)
{
	return build_simple(k, KEY_TE_PATH, NULL, lsp, NULL, buf, size);
}

int keys_te_link(const keys_t *k, const struct key_link *link, char *buf, size_t size)
{
	struct key_info ki;

	if (!link)
		return build_upto(NULL, KEY_TE_LINK, NULL, 0, buf, size);
	memset(&ki, 0, sizeof(ki));
	ki.family = KEY_TE_LINK;
	ki.link = *link;
	return keys_build(k, &ki, buf, size);
}

int keys_te_leader(const keys_t *k, char *buf, size_t size)
{
	return build_simple(k, KEY_TE_LEADER, NULL, NULL, NULL, buf, size);
}

int keys_bgp_route(const keys_t *k, const prefix_t *p, const char *node, char *buf,
		   size_t size)
{
	if (!p)
		return build_upto(NULL, KEY_BGP_ROUTE, NULL, 0, buf, size);
	return build_simple(k, KEY_BGP_ROUTE, node, NULL, p, buf, size);
}

int keys_bgp_announce(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		      size_t size)
{
	if (!p)
		return build_upto(NULL, KEY_BGP_ANNOUNCE, NULL, 0, buf, size);
	return build_simple(k, KEY_BGP_ANNOUNCE, node, NULL, p, buf, size);
}

int keys_bgp_originate(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		       size_t size)
{
	if (!p)
		return build_upto(NULL, KEY_BGP_ORIGINATE, NULL, 0, buf, size);
	return build_simple(k, KEY_BGP_ORIGINATE, node, NULL, p, buf, size);
}

int keys_agent_state(const keys_t *k, const char *node, char *buf, size_t size)
{
	return build_simple(k, KEY_AGENT_STATE, node, NULL, NULL, buf, size);
}

/* ---- watch prefixes --------------------------------------------------------- */

int keys_prefix_root(const keys_t *k, char *buf, size_t size)
{
	if (!k) {
		if (buf && size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	return put(buf, size, k->root, k->root_len);
}

int keys_prefix(const keys_t *k, enum key_family f, char *buf, size_t size)
{
	const char *brace;

	if (!family_ok(f))
		return build_upto(NULL, f, NULL, 0, buf, size);
	brace = strchr(layouts[f].pattern, '{');
	return build_upto(k, f, NULL, brace ? (size_t)(brace - layouts[f].pattern) : (size_t)-1,
			  buf, size);
}

int keys_prefix_node(const keys_t *k, enum key_family f, const char *node, char *buf,
		     size_t size)
{
	const char *p, *at, *next;
	struct key_info ki;
	size_t stop;

	if (!family_ok(f))
		return build_upto(NULL, f, NULL, 0, buf, size);
	p = layouts[f].pattern;
	at = strstr(p, "{node}");
	/* The node must come first among the components and not be the last segment. */
	if (!at || (strchr(p, '{') != at) || !strchr(at, '/'))
		return build_upto(NULL, f, NULL, 0, buf, size);
	next = strchr(at + strlen("{node}"), '{');
	if (next) {
		stop = (size_t)(next - p);
	} else {
		/* "state/{node}/agent": narrow to "state/<node>/". */
		stop = (size_t)(at - p) + strlen("{node}/");
	}
	memset(&ki, 0, sizeof(ki));
	set_node(&ki, node);
	return build_upto(k, f, &ki, stop, buf, size);
}

int keys_prefix_rib_node(const keys_t *k, const char *node, char *buf, size_t size)
{
	struct key_info ki;

	memset(&ki, 0, sizeof(ki));
	set_node(&ki, node);
	/* "rib/{node}/" of any rib family. */
	return build_upto(k, KEY_RIB_ISIS_ROUTE, &ki, strlen("rib/{node}/"), buf, size);
}

int keys_prefix_bgp_route(const keys_t *k, const prefix_t *p, char *buf, size_t size)
{
	struct key_info ki;

	if (!p)
		return build_upto(NULL, KEY_BGP_ROUTE, NULL, 0, buf, size);
	memset(&ki, 0, sizeof(ki));
	ki.prefix = *p;
	return build_upto(k, KEY_BGP_ROUTE, &ki, strlen("bgp/routes/{prefix}/"), buf, size);
}

/* ---- parsing ---------------------------------------------------------------- */

struct segment {
	const char *s;
	size_t n;
};

static int parse_component(enum placeholder ph, const struct segment *seg,
			   struct key_info *ki)
{
	char tmp[PREFIX_STRLEN];

	switch (ph) {
	case PH_NODE:
		if (!span_valid(seg->s, seg->n, KEYS_NAME_MAX))
			return -EINVAL;
		memcpy(ki->node, seg->s, seg->n);
		ki->node[seg->n] = '\0';
		return 0;
	case PH_LSP:
		if (!span_valid(seg->s, seg->n, KEYS_NAME_MAX))
			return -EINVAL;
		memcpy(ki->lsp, seg->s, seg->n);
		ki->lsp[seg->n] = '\0';
		return 0;
	case PH_PREFIX:
		if (seg->n == 0 || seg->n >= sizeof(tmp))
			return -EINVAL;
		memcpy(tmp, seg->s, seg->n);
		tmp[seg->n] = '\0';
		return prefix_parse_key(tmp, &ki->prefix) < 0 ? -EINVAL : 0;
	case PH_LINK:
		return link_parse_n(seg->s, seg->n, &ki->link);
	case PH_SID:
		return sid_parse_n(seg->s, seg->n, &ki->sid);
	case PH_LSP_ID:
		return lsp_id_parse_n(seg->s, seg->n, &ki->lsp_id);
	case PH_NONE:
		break;
	}
	return -EINVAL;
}

/* Matches segments against family f's pattern, filling *ki. */
static int match_layout(enum key_family f, const struct segment *segs, size_t nsegs,
			struct key_info *ki)
{
	const char *p = layouts[f].pattern;
	size_t i = 0;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t plen = slash ? (size_t)(slash - p) : strlen(p), tlen;
		enum placeholder ph = p[0] == '{' ? placeholder_at(p, &tlen) : PH_NONE;

		if (i >= nsegs)
			return -EINVAL;
		if (ph == PH_NONE) {
			if (segs[i].n != plen || memcmp(segs[i].s, p, plen) != 0)
				return -EINVAL;
		} else if (tlen != plen || parse_component(ph, &segs[i], ki) < 0) {
			return -EINVAL;
		}
		i++;
		p += plen + (slash ? 1 : 0);
	}
	if (i != nsegs)
		return -EINVAL;
	if (f == KEY_RIB_PROTECT && strcmp(ki->node, ki->link.node) != 0)
		return -EINVAL;
	ki->family = f;
	return 0;
}

int keys_parse_n(const keys_t *k, const char *key, size_t len, struct key_info *out)
{
	struct segment segs[KEYS_MAX_SEGMENTS];
	size_t nsegs = 0, start;
	struct key_info ki;

	if (!k || !key || !out || len < k->root_len || memchr(key, '\0', len))
		return -EINVAL;
	if (memcmp(key, k->root, k->root_len) != 0)
		return -EINVAL;
	start = k->root_len;
	for (size_t i = start; i <= len; i++) {
		if (i < len && key[i] != '/')
			continue;
		if (nsegs == KEYS_MAX_SEGMENTS)
			return -EINVAL;
		segs[nsegs].s = key + start;
		segs[nsegs].n = i - start;
		nsegs++;
		start = i + 1;
	}
	for (int f = 0; f < KEY_FAMILY_COUNT; f++) {
		memset(&ki, 0, sizeof(ki));
		if (match_layout((enum key_family)f, segs, nsegs, &ki) == 0) {
			*out = ki;
			return f;
		}
	}
	return -EINVAL;
}

int keys_parse(const keys_t *k, const char *key, struct key_info *out)
{
	if (!key)
		return -EINVAL;
	return keys_parse_n(k, key, strlen(key), out);
}
