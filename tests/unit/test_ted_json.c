/* test_ted_json — Check suite for speaker/ted_json.c, the values kvte-speaker writes to
 * etcd. LSPs built with the codec and the originator (the seed's r1, the codec's "every
 * TLV" PDU, SRLG folding, purges, odd values) are encoded and their fields asserted,
 * and the canonical text compared with tests/golden/ted_json/ (KVTE_UPDATE_GOLDEN=1
 * rewrites); every produced value (also routes from a real SPF run, SIDs, speaker
 * values, and every LSP of the fuzz corpus) is validated against schemas/ by
 * tests/schemas/validate.py with /usr/bin/python3 + jsonschema; the ted-lsp and speaker
 * values of a three-router topology are fed to te-controller/ted.c, which must build
 * the expected two-way, named links with their TE attributes; same input gives the
 * same bytes, bad input NULL with a specific error. */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "speaker/isis.h"
#include "speaker/originate.h"
#include "speaker/spf.h"
#include "lib/timefmt.h"
#include "speaker/ted_json.h"
#include "te-controller/ted.h"
#include "tests/support/isis_golden.h"

static uint8_t buf[65536];
static char err[256];

/* --- helpers -------------------------------------------------------------------- */

/* encode, then decode into *out (what a speaker holds) */
static void via_wire(const struct isis_pdu *built, struct isis_pdu *out)
{
	struct isis_err e;
	size_t n;

	ck_assert_int_eq(isis_pdu_encode(built, 0, buf, sizeof(buf), &n), 0);
	ck_assert_msg(isis_pdu_decode(buf, n, out, &e) == 0, "%s", isis_test_err_str(&e));
}

static json_t *lsp_json(const struct isis_pdu *p, uint16_t life)
{
	json_t *v = ted_json_lsp(p, life, err, sizeof(err));

	ck_assert_msg(v != NULL, "ted_json_lsp: %s", err);
	ck_assert_str_eq(err, "");
	return v;
}

/* a path like "is_reach.0.end_x_sids.0.sid" */
static json_t *at(json_t *v, const char *path)
{
	char p[256], *save = NULL;

	snprintf(p, sizeof(p), "%s", path);
	for (char *tok = strtok_r(p, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
		if (json_is_array(v))
			v = json_array_get(v, strtoul(tok, NULL, 10));
		else
			v = json_object_get(v, tok);
	}
	return v;
}

static void is_str(json_t *v, const char *path, const char *want)
{
	json_t *x = at(v, path);

	ck_assert_msg(json_is_string(x), "%s: not a string", path);
	ck_assert_str_eq(json_string_value(x), want);
}

static void is_int(json_t *v, const char *path, long long want)
{
	json_t *x = at(v, path);

	ck_assert_msg(json_is_integer(x), "%s: not an integer", path);
	ck_assert_int_eq(json_integer_value(x), want);
}

static void is_num(json_t *v, const char *path, double want)
{
	json_t *x = at(v, path);

	ck_assert_msg(json_is_number(x), "%s: not a number", path);
	ck_assert_double_eq(json_number_value(x), want);
}

static void is_bool(json_t *v, const char *path, bool want)
{
	json_t *x = at(v, path);

	ck_assert_msg(json_is_boolean(x), "%s: not a boolean", path);
	ck_assert_int_eq(json_is_true(x), want);
}

static void absent(json_t *v, const char *path)
{
	ck_assert_msg(at(v, path) == NULL, "%s: present", path);
}

/* the unknown_tlvs / unknown_subtlvs entry {type, value} exists in arr */
static void has_unknown(json_t *v, const char *path, int type, const char *hex)
{
	json_t *arr = at(v, path), *e;
	size_t i;

	ck_assert_msg(json_is_array(arr), "%s: not an array", path);
	json_array_foreach(arr, i, e) {
		if (json_integer_value(json_object_get(e, "type")) == type &&
		    strcmp(json_string_value(json_object_get(e, "value")), hex) == 0)
			return;
	}
	ck_abort_msg("%s: no {type %d, value \"%s\"}", path, type, hex);
}

static char *text_of(const json_t *v)
{
	char *s = ted_json_dumps(v);

	ck_assert_ptr_nonnull(s);
	return s;
}

/* canonical text == tests/golden/ted_json/<name>.json (or rewrite it when updating) */
static void check_golden(const char *name, const json_t *v)
{
	char path[4096], *text = text_of(v), *want;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "%s/tests/golden/ted_json/%s.json", isis_test_src_dir(),
		 name);
	text = realloc(text, n + 2);
	ck_assert_ptr_nonnull(text);
	memcpy(text + n, "\n", 2);
	if (isis_test_updating()) {
		isis_test_write_file(path, text, n + 1);
	} else {
		want = isis_test_read_file(path);
		ck_assert_str_eq(text, want);
		free(want);
	}
	free(text);
}

/* --- schema validation through /usr/bin/python3 ------------------------------------ */

#define MAX_FILES 512

struct vdir {
	char dir[64];
	char *files[MAX_FILES];
	char family[MAX_FILES][32];
	size_t n;
};

static bool have_jsonschema(void)
{
	if (system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0)
		return true;
	fprintf(stderr, "test_ted_json: SKIP schema checks: /usr/bin/python3 has no jsonschema "
			"module (apt-get install python3-jsonschema)\n");
	return false;
}

static void vdir_init(struct vdir *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/kvte_ted_json_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d->dir));
}

static void vdir_add(struct vdir *d, const char *family, const json_t *v)
{
	char path[128], *text = text_of(v);
	FILE *f;

	ck_assert_uint_lt(d->n, MAX_FILES);
	snprintf(path, sizeof(path), "%s/%s-%03zu.json", d->dir, family, d->n);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(text);
	d->files[d->n] = strdup(path);
	snprintf(d->family[d->n], sizeof(d->family[0]), "%s", family);
	d->n++;
}

/* run validate.py on every file of `family` (quiet unless print); its exit status */
static int vdir_run(struct vdir *d, const char *family, bool print)
{
	size_t cap = 4096 + d->n * 128, len;
	char *cmd = malloc(cap);
	int rc, count = 0;

	ck_assert_ptr_nonnull(cmd);
	len = (size_t)snprintf(cmd, cap,
			       "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas %s",
			       isis_test_src_dir(), isis_test_src_dir(), family);
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->family[i], family) != 0)
			continue;
		len += (size_t)snprintf(cmd + len, cap - len, " %s", d->files[i]);
		count++;
	}
	ck_assert_int_gt(count, 0);
	snprintf(cmd + len, cap - len, "%s", print ? " >&2" : " >/dev/null");
	rc = system(cmd);
	free(cmd);
	return rc;
}

static int vdir_check(struct vdir *d, const char *family)
{
	int rc = vdir_run(d, family, false);

	if (rc != 0)
		vdir_run(d, family, true);	/* show which value failed and why */
	return rc;
}

static void vdir_free(struct vdir *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (!getenv("KVTE_KEEP_TMP"))
			unlink(d->files[i]);
		free(d->files[i]);
	}
	if (!getenv("KVTE_KEEP_TMP"))
		rmdir(d->dir);
	else
		fprintf(stderr, "test_ted_json: kept %s\n", d->dir);
}

/* --- LSPs --------------------------------------------------------------------------- */

static void sysid(uint8_t out[6], unsigned node)
{
	isis_test_sysid(out, node);
}

/* a router of the test topologies: loopbacks 192.168.50.N, fc00:0:N::1, locator
 * fc00:0:N::/48; each link: {neighbor, metric, local, remote, delay, group, End.X} */
struct tlink {
	unsigned nbr;
	uint32_t metric;
	const char *local, *remote;
	uint32_t delay;
	uint32_t group;
	const char *ifname;
};

struct tnode {
	unsigned id;
	const char *name;
	size_t nlinks;
	struct tlink links[4];
};

static struct isis_orig_link olinks[4];
static struct isis_orig_prefix oip4[5], oip6[2];
static char ohost[16];

static void node_desc(const struct tnode *n, struct isis_orig_desc *d)
{
	static const uint8_t structure[4] = { 32, 16, 16, 0 };
	char s[64];

	memset(d, 0, sizeof(*d));
	memset(olinks, 0, sizeof(olinks));
	memset(oip4, 0, sizeof(oip4));
	memset(oip6, 0, sizeof(oip6));
	snprintf(ohost, sizeof(ohost), "%s", n->name);
	d->hostname = ohost;
	d->areas[0] = (struct isis_area){ 3, { 0x49, 0x00, 0x02 } };
	d->nareas = 1;
	d->ipv4 = d->ipv6 = true;
	d->has_router_id = true;
	snprintf(s, sizeof(s), "192.168.50.%u", n->id);
	isis_test_v4(d->router_id, s);
	d->has_router_id6 = true;
	snprintf(s, sizeof(s), "fc00:0:%u::1", n->id);
	isis_test_v6(d->router_id6, s);
	d->has_cap = true;
	for (size_t i = 0; i < n->nlinks; i++) {
		const struct tlink *l = &n->links[i];
		struct isis_orig_link *o = &olinks[i];

		sysid(o->nbr, l->nbr);
		o->metric = l->metric;
		o->has = ISIS_ORIG_ADMIN_GROUP | ISIS_ORIG_IPV4 | ISIS_ORIG_MAX_BW |
			 ISIS_ORIG_MAX_RSV_BW | ISIS_ORIG_UNRSV_BW | ISIS_ORIG_TE_METRIC |
			 ISIS_ORIG_DELAY | ISIS_ORIG_MINMAX_DELAY | ISIS_ORIG_ENDX;
		o->admin_group = l->group;
		isis_test_v4(o->local4, l->local);
		isis_test_v4(o->remote4, l->remote);
		o->max_bw = o->max_rsv_bw = 125e6f;
		for (int k = 0; k < 8; k++)
			o->unrsv_bw[k] = k < 4 ? 125e6f : 100e6f;
		o->te_metric = l->metric;
		o->delay_us = o->min_delay_us = o->max_delay_us = l->delay;
		snprintf(s, sizeof(s), "fc00:0:%u:e00%zu::", n->id, i + 1);
		isis_test_v6(o->endx_sid, s);
		o->endx_behavior = 5;
		snprintf(s, sizeof(s), "%s", l->local);
		isis_test_v4(oip4[i + 1].addr, l->local);
		oip4[i + 1].addr[3] &= 0xfe;
		oip4[i + 1].plen = 31;
		oip4[i + 1].metric = l->metric;
	}
	d->links = olinks;
	d->nlinks = n->nlinks;
	snprintf(s, sizeof(s), "192.168.50.%u", n->id);
	isis_test_v4(oip4[0].addr, s);
	oip4[0].plen = 32;
	oip4[0].metric = 0;
	d->ip4 = oip4;
	d->nip4 = 1 + n->nlinks;
	snprintf(s, sizeof(s), "fc00:0:%u::1", n->id);
	isis_test_v6(oip6[0].addr, s);
	oip6[0].plen = 128;
	d->ip6 = oip6;
	d->nip6 = 1;
	d->has_locator = true;
	snprintf(s, sizeof(s), "fc00:0:%u::", n->id);
	isis_test_v6(d->locator, s);
	d->locator_len = 48;
	isis_test_v6(d->end_sid, s);
	d->end_behavior = 1;
	memcpy(d->sid_structure, structure, 4);
}

/* originate n's fragment 0 (seq 1, lifetime 1199) and decode it */
static void originate(const struct tnode *n, struct isis_pdu *p)
{
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	struct isis_err e;
	uint8_t me[6];

	sysid(me, n->id);
	isis_orig_init(&o, me, 2, 0, 1199, 0);
	node_desc(n, &d);
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	ck_assert_uint_ge(out.n, 1);
	ck_assert_msg(isis_pdu_decode(out.v[0].bytes, out.v[0].len, p, &e) == 0, "%s",
		      isis_test_err_str(&e));
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}

/* The triangle r1 - r2 - r3 (all metrics 10 but r1's: 51 to r2, like the seed). */
static const struct tnode tri[3] = {
	{ 1, "r1", 2, { { 2, 51, "100.65.0.2", "100.65.0.3", 50000, 0x1, "et2" },
			{ 3, 10, "100.65.0.6", "100.65.0.7", 120000, 0x2, "et3" } } },
	{ 2, "r2", 2, { { 1, 51, "100.65.0.3", "100.65.0.2", 50000, 0x1, "et1" },
			{ 3, 10, "100.65.0.8", "100.65.0.9", 20000, 0x0, "et3" } } },
	{ 3, "r3", 2, { { 1, 10, "100.65.0.7", "100.65.0.6", 120000, 0x2, "et1" },
			{ 2, 10, "100.65.0.9", "100.65.0.8", 20000, 0x0, "et2" } } },
};

/* The seed's r1 (tests/unit/test_isis_originate.c r1_desc): two links, three IPv4 and
 * two IPv6 prefixes, a locator with End SID. */
static void seed_r1(struct isis_pdu *p)
{
	static const uint8_t structure[4] = { 32, 16, 16, 0 };
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	struct isis_orig_link l[2];
	struct isis_orig_prefix ip4[3], ip6[2];
	struct isis_err e;
	uint8_t me[6];

	memset(&d, 0, sizeof(d));
	memset(l, 0, sizeof(l));
	memset(ip4, 0, sizeof(ip4));
	memset(ip6, 0, sizeof(ip6));
	d.hostname = "r1";
	d.areas[0] = (struct isis_area){ 3, { 0x49, 0x00, 0x02 } };
	d.nareas = 1;
	d.ipv4 = d.ipv6 = true;
	d.has_router_id = true;
	isis_test_v4(d.router_id, "192.168.50.1");
	d.has_router_id6 = true;
	isis_test_v6(d.router_id6, "fc00:0:1::1");
	d.has_cap = true;
	for (int i = 0; i < 2; i++) {
		sysid(l[i].nbr, (unsigned)i + 2);
		l[i].metric = i ? 155 : 51;
		l[i].has = ISIS_ORIG_ADMIN_GROUP | ISIS_ORIG_IPV4 | ISIS_ORIG_MAX_BW |
			   ISIS_ORIG_MAX_RSV_BW | ISIS_ORIG_UNRSV_BW | ISIS_ORIG_TE_METRIC |
			   ISIS_ORIG_DELAY | ISIS_ORIG_MINMAX_DELAY | ISIS_ORIG_ENDX;
		l[i].admin_group = i ? 0x2 : 0x1;
		isis_test_v4(l[i].local4, i ? "100.65.0.6" : "100.65.0.2");
		isis_test_v4(l[i].remote4, i ? "100.65.0.7" : "100.65.0.3");
		l[i].max_bw = l[i].max_rsv_bw = 125e6f;
		for (int k = 0; k < 8; k++)
			l[i].unrsv_bw[k] = 125e6f;
		l[i].te_metric = l[i].metric;
		l[i].delay_us = l[i].min_delay_us = l[i].max_delay_us = i ? 120000 : 50000;
		isis_test_v6(l[i].endx_sid, "fc00:0:1:e000::");
		l[i].endx_sid[7] = (uint8_t)(i + 1);
		l[i].endx_behavior = 5;
	}
	d.links = l;
	d.nlinks = 2;
	isis_test_v4(ip4[0].addr, "192.168.50.1"), ip4[0].plen = 32, ip4[0].metric = 500;
	isis_test_v4(ip4[1].addr, "100.65.0.2"), ip4[1].plen = 31, ip4[1].metric = 51;
	isis_test_v4(ip4[2].addr, "100.65.0.6"), ip4[2].plen = 31, ip4[2].metric = 155;
	d.ip4 = ip4;
	d.nip4 = 3;
	isis_test_v6(ip6[0].addr, "fc00:0:1::1"), ip6[0].plen = 128, ip6[0].metric = 500;
	isis_test_v6(ip6[1].addr, "fc00:0:1::"), ip6[1].plen = 48, ip6[1].metric = 0;
	d.ip6 = ip6;
	d.nip6 = 2;
	d.has_locator = true;
	isis_test_v6(d.locator, "fc00:0:1::");
	d.locator_len = 48;
	isis_test_v6(d.end_sid, "fc00:0:1::");
	d.end_behavior = 1;
	memcpy(d.sid_structure, structure, 4);
	sysid(me, 1);
	isis_orig_init(&o, me, 2, 0, 1199, 0);
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	isis_orig_out_clear(&out);
	ck_assert_int_eq(isis_orig_seq_seen(&o, 0, 7, 0, &out), 0); /* the seed's seq 8 */
	ck_assert_uint_eq(out.n, 1);
	ck_assert_msg(isis_pdu_decode(out.v[0].bytes, out.v[0].len, p, &e) == 0, "%s",
		      isis_test_err_str(&e));
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}

/* tests/unit/test_isis_tlv.c's PDU with every TLV and sub-TLV the codec decodes */
static void every_tlv(struct isis_pdu *p)
{
	struct isis_tlv *t;
	struct isis_subtlv *s;
	struct isis_ext_is *is;
	struct isis_ipv4_narrow *n4;
	struct isis_ext_ip *ip;
	struct isis_ipv6_reach *ip6;
	struct isis_locator *l;
	struct isis_area *a;

	isis_pdu_init(p, ISIS_L2_LSP);
	p->h.lsp.lifetime = 65535;
	isis_test_sysid(p->h.lsp.lsp_id, 9);
	p->h.lsp.seq = 0xffffffff;
	p->h.lsp.flags = 0x0b;
	p->max_areas = 3;
	t = isis_test_tlv(p, ISIS_TLV_AREA);
	a = isis_test_item(t);
	a->len = 3, a->addr[0] = 0x49, a->addr[2] = 0x02;
	a = isis_test_item(t);
	a->len = 13;
	for (int i = 0; i < 13; i++)
		a->addr[i] = (uint8_t)(0x39 + i);
	t = isis_test_tlv(p, ISIS_TLV_IS_NEIGHBORS);
	memcpy(isis_test_item(t), "\x02\x00\x00\xaa\xbb\xcc", 6);
	t = isis_test_tlv(p, ISIS_TLV_LSP_ENTRIES);
	((struct isis_lsp_entry *)isis_test_item(t))->seq = 7;
	t = isis_test_tlv(p, ISIS_TLV_AUTH);
	t->u.auth.type = 54;
	t->u.auth.len = 16;
	memset(t->u.auth.bytes, 0x5a, 16);
	t = isis_test_tlv(p, ISIS_TLV_AUTH);
	t->u.auth.type = 1;
	t->u.auth.len = 6;
	memcpy(t->u.auth.bytes, "secret", 6);
	t = isis_test_tlv(p, ISIS_TLV_PURGE_ORIG);
	t->u.purge.count = 1;
	isis_test_sysid(t->u.purge.sysid[0], 4);
	t = isis_test_tlv(p, ISIS_TLV_EXT_IS_REACH);
	is = isis_test_item(t);
	isis_test_sysid(is->id, 2);
	is->id[6] = 3;
	is->metric = 0xfffffe;
	s = isis_test_sub(&is->sub, ISIS_SUB_LINK_ID);
	s->v.pair[0] = 7, s->v.pair[1] = 9;
	isis_test_v6(isis_test_sub(&is->sub, ISIS_SUB_IPV6_IFADDR)->v.addr, "fc00:12::1");
	isis_test_v6(isis_test_sub(&is->sub, ISIS_SUB_IPV6_NBRADDR)->v.addr, "fc00:12::2");
	isis_test_sub(&is->sub, ISIS_SUB_MAX_BW)->v.u32 = isis_test_fbits(1.25e9f);
	isis_test_sub(&is->sub, ISIS_SUB_LINK_DELAY)->v.u32 = 0x80000000u | 1234;
	s = isis_test_sub(&is->sub, ISIS_SUB_MINMAX_DELAY);
	s->v.pair[0] = 0x80000000u | 1000, s->v.pair[1] = 2000;
	s = isis_test_sub(&is->sub, ISIS_SUB_SRV6_ENDX);
	s->v.sid.flags = 0xe0, s->v.sid.algo = 128, s->v.sid.weight = 9, s->v.sid.behavior = 6;
	isis_test_v6(s->v.sid.sid, "fc00:0:9:e003::");
	s->v.sid.sub_len = 6;
	memcpy(s->v.sid.sub, "\x01\x04\x20\x10\x10\x00", 6);
	s = isis_test_sub(&is->sub, 200);
	s->len = 3;
	memcpy(s->v.raw, "\x01\x02\x03", 3);
	t = isis_test_tlv(p, ISIS_TLV_SRV6_LOCATOR);
	t->u.mtid = 2;
	l = isis_test_item(t);
	isis_test_v6(l->loc, "fc00:0:9::");
	l->size = 64;
	l->metric = 10;
	l->flags = 0x80;
	l->algo = 128;
	l = isis_test_item(t);
	isis_test_v6(l->loc, "fc00:0:9:8000::");
	l->size = 33;
	t = isis_test_tlv(p, ISIS_TLV_IP_INT_REACH);
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\x0a\x80\x80\x80", 4);
	isis_test_v4(n4->addr, "10.0.0.0");
	isis_test_v4(n4->mask, "255.255.255.0");
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\xbf\x00\x00\x00", 4);
	isis_test_v4(n4->addr, "10.1.0.0");
	isis_test_v4(n4->mask, "255.0.255.0");
	t = isis_test_tlv(p, ISIS_TLV_IP_EXT_REACH);
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\x4a\x80\x80\x80", 4);
	isis_test_v4(n4->addr, "172.16.0.0");
	isis_test_v4(n4->mask, "255.240.0.0");
	t = isis_test_tlv(p, ISIS_TLV_PROTOCOLS);
	*(uint8_t *)isis_test_item(t) = 0x81;
	t = isis_test_tlv(p, ISIS_TLV_EXT_IP_REACH);
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "0.0.0.0");
	ip->metric = 1;
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "10.9.8.7");
	ip->plen = 20;
	ip->down = true;
	ip->metric = 0xfe000000;
	s = isis_test_sub(&ip->sub, 4);
	s->len = 1;
	s->v.raw[0] = 0x40;
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "10.0.0.0");
	ip->plen = 8;
	ip->has_sub = true;
	t = isis_test_tlv(p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = 6;
	memcpy(t->u.hostname.name, "r\\9\x01\xffz", 6);
	t = isis_test_tlv(p, ISIS_TLV_SRLG);
	isis_test_sysid(t->u.srlg.id, 2);
	t->u.srlg.flags = 1;
	isis_test_v4(t->u.srlg.local, "100.65.0.2");
	isis_test_v4(t->u.srlg.remote, "100.65.0.3");
	t->u.srlg.n = 3;
	t->u.srlg.v = calloc(3, sizeof(uint32_t));
	t->u.srlg.v[0] = 10, t->u.srlg.v[1] = 20, t->u.srlg.v[2] = 4000000000u;
	t = isis_test_tlv(p, ISIS_TLV_IPV6_REACH);
	ip6 = isis_test_item(t);
	isis_test_v6(ip6->prefix, "::");
	ip6 = isis_test_item(t);
	isis_test_v6(ip6->prefix, "2001:db8::");
	ip6->plen = 33;
	ip6->flags = ISIS_IP6_U | ISIS_IP6_X | 0x01;
	ip6->metric = 77;
	s = isis_test_sub(&ip6->sub, 1);
	s->len = 0;
	t = isis_test_tlv(p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 1;
	t->u.p2p.state = 2;
	t = isis_test_tlv(p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 5;
	t->u.p2p.state = 1;
	t->u.p2p.ext_circuit_id = 0xffffffff;
	t = isis_test_tlv(p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 11;
	t->u.p2p.state = 7;
	isis_test_sysid(t->u.p2p.nbr_sysid, 1);
	t = isis_test_tlv(p, ISIS_TLV_ROUTER_CAP);
	isis_test_v4(t->u.cap.router_id, "192.168.50.9");
	t->u.cap.flags = 0x03 | 0x80;
	s = isis_test_sub(&t->u.cap.sub, ISIS_SUB_SRV6_CAP);
	s->v.srv6_cap.flags = 0x4000;
	s = isis_test_sub(&t->u.cap.sub, 23);
	s->len = 2;
	memcpy(s->v.raw, "\x29\x0a", 2);
	t = isis_test_tlv(p, 250);
	t->u.opaque.len = 3;
	memcpy(t->u.opaque.bytes, "\xde\xad\x00", 3);
	t = isis_test_tlv(p, ISIS_TLV_PADDING);
	t->u.opaque.len = 4;
}

/* An LSP of r4 with SRLGs (TLV 138 before and after the TLV 22 they describe),
 * repeated and odd sub-TLVs, and TLVs kvte decodes only here (140, 229, router
 * capability sub-TLVs 2 / 19 / 23, adjacency SID 31). */
static void odd_lsp(struct isis_pdu *p)
{
	struct isis_tlv *t;
	struct isis_subtlv *s;
	struct isis_ext_is *is;
	struct isis_area *a;

	isis_pdu_init(p, ISIS_L1_LSP);
	p->h.lsp.lifetime = 1200;
	isis_test_sysid(p->h.lsp.lsp_id, 4);
	p->h.lsp.lsp_id[7] = 1;
	p->h.lsp.seq = 4711;
	p->h.lsp.flags = ISIS_LSP_OL | 0x01;
	t = isis_test_tlv(p, ISIS_TLV_AREA);
	a = isis_test_item(t);
	a->len = 2, a->addr[0] = 0x49, a->addr[1] = 0x01; /* even: no schema form */
	a = isis_test_item(t);
	a->len = 1, a->addr[0] = 0x47;
	t = isis_test_tlv(p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = 2;
	memcpy(t->u.hostname.name, "r4", 2);
	t = isis_test_tlv(p, ISIS_TLV_HOSTNAME);	/* a second one: kept as hex */
	t->u.hostname.len = 3;
	memcpy(t->u.hostname.name, "r4b", 3);
	t = isis_test_tlv(p, 140);
	t->u.opaque.len = 16;
	isis_test_v6(t->u.opaque.bytes, "fc00:0:4::1");
	t = isis_test_tlv(p, 229);
	t->u.opaque.len = 4;
	memcpy(t->u.opaque.bytes, "\x00\x00\x80\x02", 4);	/* MT 0, MT 2 with O bit */
	t = isis_test_tlv(p, ISIS_TLV_SRLG);	/* numbered, before its TLV 22 */
	isis_test_sysid(t->u.srlg.id, 5);
	t->u.srlg.flags = 1;
	isis_test_v4(t->u.srlg.local, "100.65.0.13");
	isis_test_v4(t->u.srlg.remote, "100.65.0.12");
	t->u.srlg.n = 2;
	t->u.srlg.v = calloc(2, sizeof(uint32_t));
	t->u.srlg.v[0] = 101, t->u.srlg.v[1] = 7;
	t = isis_test_tlv(p, ISIS_TLV_EXT_IS_REACH);
	is = isis_test_item(t);
	isis_test_sysid(is->id, 5);
	is->metric = 10;
	isis_test_v4(isis_test_sub(&is->sub, ISIS_SUB_IPV4_IFADDR)->v.addr, "100.65.0.13");
	isis_test_v4(isis_test_sub(&is->sub, ISIS_SUB_IPV4_NBRADDR)->v.addr, "100.65.0.12");
	isis_test_v4(isis_test_sub(&is->sub, ISIS_SUB_IPV4_IFADDR)->v.addr, "100.65.0.99"); /* 2nd */
	isis_test_sub(&is->sub, ISIS_SUB_MAX_BW)->v.u32 = 0x7fc00000;	/* NaN: kept as hex */
	isis_test_sub(&is->sub, ISIS_SUB_MAX_RSV_BW)->v.u32 = isis_test_fbits(1234.5f);
	isis_test_sub(&is->sub, ISIS_SUB_TE_METRIC)->v.u32 = 35;
	s = isis_test_sub(&is->sub, 31);	/* adjacency SID, label 24013, V/L set, B set */
	s->len = 5;
	memcpy(s->v.raw, "\x70\x02\x00\x5d\xcd", 5);
	s = isis_test_sub(&is->sub, ISIS_SUB_SRV6_ENDX);
	s->v.sid.behavior = 9;	/* End.T: not an End.X behavior */
	isis_test_v6(s->v.sid.sid, "fc00:0:4:e009::");
	is = isis_test_item(t);	/* unnumbered, to 0006.00 */
	isis_test_sysid(is->id, 6);
	is->metric = 20;
	s = isis_test_sub(&is->sub, ISIS_SUB_LINK_ID);
	s->v.pair[0] = 11, s->v.pair[1] = 12;
	t = isis_test_tlv(p, ISIS_TLV_SRLG);	/* numbered again, after: merged without duplicates */
	isis_test_sysid(t->u.srlg.id, 5);
	t->u.srlg.flags = 1;
	isis_test_v4(t->u.srlg.local, "100.65.0.13");
	isis_test_v4(t->u.srlg.remote, "100.65.0.12");
	t->u.srlg.n = 2;
	t->u.srlg.v = calloc(2, sizeof(uint32_t));
	t->u.srlg.v[0] = 7, t->u.srlg.v[1] = 300;
	t = isis_test_tlv(p, ISIS_TLV_SRLG);	/* unnumbered: link IDs 11/12 */
	isis_test_sysid(t->u.srlg.id, 6);
	t->u.srlg.flags = 0;
	memcpy(t->u.srlg.local, "\x00\x00\x00\x0b", 4);
	memcpy(t->u.srlg.remote, "\x00\x00\x00\x0c", 4);
	t->u.srlg.n = 1;
	t->u.srlg.v = calloc(1, sizeof(uint32_t));
	t->u.srlg.v[0] = 55;
	t = isis_test_tlv(p, ISIS_TLV_SRLG);	/* a link not in this fragment */
	isis_test_sysid(t->u.srlg.id, 7);
	t->u.srlg.flags = 1;
	isis_test_v4(t->u.srlg.local, "100.65.0.20");
	isis_test_v4(t->u.srlg.remote, "100.65.0.21");
	t->u.srlg.n = 1;
	t->u.srlg.v = calloc(1, sizeof(uint32_t));
	t->u.srlg.v[0] = 9;
	t = isis_test_tlv(p, ISIS_TLV_ROUTER_CAP);
	isis_test_v4(t->u.cap.router_id, "192.168.50.4");
	s = isis_test_sub(&t->u.cap.sub, 2);	/* SR-MPLS: I/V, range 8000, label 16000 */
	s->len = 9;
	memcpy(s->v.raw, "\xc0\x00\x1f\x40\x01\x03\x00\x3e\x80", 9);
	s = isis_test_sub(&t->u.cap.sub, 19);
	s->len = 3;
	memcpy(s->v.raw, "\x00\x01\x00", 3);
	s = isis_test_sub(&t->u.cap.sub, 23);
	s->len = 4;
	memcpy(s->v.raw, "\x01\x0a\x2c\x08", 4);
	t = isis_test_tlv(p, ISIS_TLV_ROUTER_CAP);	/* a second one: hex */
	isis_test_v4(t->u.cap.router_id, "192.168.50.44");
}

START_TEST(lsp_seed_r1)
{
	struct isis_pdu p;
	json_t *v;
	char ck[8];

	seed_r1(&p);
	v = lsp_json(&p, 1199);
	is_str(v, "lsp_id", "1921.6805.0001.00-00");
	is_int(v, "level", 2);
	is_int(v, "seq", 8);
	snprintf(ck, sizeof(ck), "0x%04x", p.h.lsp.checksum);
	is_str(v, "checksum", ck);
	is_str(v, "checksum", "0x1af0"); /* as in tests/golden/isis/r1_lsp.txt */
	is_int(v, "remaining_lifetime", 1199);
	is_bool(v, "flags.att", false);
	is_bool(v, "flags.overload", false);
	is_str(v, "hostname", "r1");
	is_str(v, "area_addresses.0", "49.0002");
	is_str(v, "protocols.0", "ipv4");
	is_str(v, "protocols.1", "ipv6");
	is_str(v, "te_router_id", "192.168.50.1");
	is_str(v, "interface_addresses.0", "192.168.50.1");
	is_str(v, "interface_addresses6.0", "fc00:0:1::1");
	is_str(v, "is_reach.0.neighbor", "1921.6805.0002.00");
	is_int(v, "is_reach.0.metric", 51);
	is_int(v, "is_reach.0.te_metric", 51);
	is_int(v, "is_reach.0.admin_group", 1);
	is_str(v, "is_reach.0.local_address", "100.65.0.2");
	is_str(v, "is_reach.0.remote_address", "100.65.0.3");
	is_num(v, "is_reach.0.max_bandwidth", 1e9);
	is_int(v, "is_reach.0.max_bandwidth", 1000000000); /* an integer when whole */
	is_num(v, "is_reach.0.max_reservable_bandwidth", 1e9);
	ck_assert_uint_eq(json_array_size(at(v, "is_reach.0.unreserved_bandwidth")), 8);
	is_num(v, "is_reach.0.unreserved_bandwidth.7", 1e9);
	is_int(v, "is_reach.0.delay_us", 50000);
	is_bool(v, "is_reach.0.anomalous", false);
	is_int(v, "is_reach.0.min_delay_us", 50000);
	is_int(v, "is_reach.0.max_delay_us", 50000);
	is_str(v, "is_reach.0.end_x_sids.0.sid", "fc00:0:1:e001::");
	is_str(v, "is_reach.0.end_x_sids.0.behavior", "End.X");
	is_bool(v, "is_reach.0.end_x_sids.0.backup", false);
	is_int(v, "is_reach.0.end_x_sids.0.algorithm", 0);
	absent(v, "is_reach.0.unknown_subtlvs");
	is_str(v, "is_reach.1.neighbor", "1921.6805.0003.00");
	is_int(v, "is_reach.1.te_metric", 155);
	is_int(v, "is_reach.1.delay_us", 120000);
	is_str(v, "is_reach.1.end_x_sids.0.sid", "fc00:0:1:e002::");
	is_str(v, "ip_reach.0.prefix", "192.168.50.1/32");
	is_int(v, "ip_reach.0.metric", 500);
	is_bool(v, "ip_reach.0.up_down", false);
	absent(v, "ip_reach.0.narrow");
	is_str(v, "ip_reach.1.prefix", "100.65.0.2/31");
	is_str(v, "ip6_reach.1.prefix", "fc00:0:1::/48");
	is_int(v, "ip6_reach.1.metric", 0);
	is_str(v, "srv6_locators.0.locator", "fc00:0:1::/48");
	is_int(v, "srv6_locators.0.algorithm", 0);
	absent(v, "srv6_locators.0.mt_id");
	is_str(v, "srv6_locators.0.end_sids.0.sid", "fc00:0:1::");
	is_str(v, "srv6_locators.0.end_sids.0.behavior", "End");
	is_str(v, "router_capability.router_id", "192.168.50.1");
	is_bool(v, "router_capability.srv6.oam", false);
	absent(v, "unknown_tlvs");
	absent(v, "authentication");
	check_golden("r1_lsp", v);
	json_decref(v);
	isis_pdu_free(&p);
}
END_TEST

START_TEST(lsp_every_tlv)
{
	struct isis_pdu built, p;
	json_t *v;
	char *text;

	every_tlv(&built);
	via_wire(&built, &p);
	v = lsp_json(&p, 65000);
	is_int(v, "seq", 4294967295LL);
	is_int(v, "remaining_lifetime", 65000);
	is_bool(v, "flags.att", true);
	absent(v, "hostname"); /* "r\\9\x01\xffz" is no node name: kept as hex */
	has_unknown(v, "unknown_tlvs", 137, "725c3901ff7a");
	is_str(v, "area_addresses.1", "39.3a3b.3c3d.3e3f.4041.4243.4445");
	is_int(v, "authentication.type", 54);
	ck_assert_uint_eq(json_object_size(at(v, "authentication")), 1);
	text = text_of(v);
	ck_assert_ptr_null(strstr(text, "736563726574")); /* "secret" never published */
	ck_assert_ptr_null(strstr(text, "5a5a5a5a"));
	free(text);
	has_unknown(v, "unknown_tlvs", 6, "020000aabbcc");
	has_unknown(v, "unknown_tlvs", 13, "01192168050004");
	has_unknown(v, "unknown_tlvs", 240, "02");
	has_unknown(v, "unknown_tlvs", 250, "dead00");
	has_unknown(v, "unknown_tlvs", 8, "00000000");
	has_unknown(v, "unknown_tlvs", 129, "81");
	/* the narrow prefix with mask 255.0.255.0 alone, as a one-item TLV 128 */
	has_unknown(v, "unknown_tlvs", 128, "bf0000000a010000ff00ff00");
	/* its SRLG names 0002.00 by IPv4 addresses: no such is_reach here */
	has_unknown(v, "unknown_tlvs", 138, "19216805000200016441000264410003"
					    "0000000a00000014ee6b2800");
	is_str(v, "is_reach.0.neighbor", "1921.6805.0002.03");
	is_int(v, "is_reach.0.metric", 16777214);
	is_str(v, "is_reach.0.local_address6", "fc00:12::1");
	is_str(v, "is_reach.0.remote_address6", "fc00:12::2");
	is_num(v, "is_reach.0.max_bandwidth", 1e10);
	is_int(v, "is_reach.0.delay_us", 1234);
	is_bool(v, "is_reach.0.anomalous", true);
	is_int(v, "is_reach.0.min_delay_us", 1000);
	is_int(v, "is_reach.0.max_delay_us", 2000);
	is_str(v, "is_reach.0.end_x_sids.0.behavior", "End.X-PSP");
	is_bool(v, "is_reach.0.end_x_sids.0.backup", true);
	is_bool(v, "is_reach.0.end_x_sids.0.set", true);
	is_bool(v, "is_reach.0.end_x_sids.0.persistent", true);
	is_int(v, "is_reach.0.end_x_sids.0.algorithm", 128);
	is_int(v, "is_reach.0.end_x_sids.0.weight", 9);
	absent(v, "is_reach.0.srlgs");
	has_unknown(v, "is_reach.0.unknown_subtlvs", 4, "0000000700000009");
	has_unknown(v, "is_reach.0.unknown_subtlvs", 200, "010203");
	is_str(v, "srv6_locators.0.locator", "fc00:0:9::/64");
	is_int(v, "srv6_locators.0.mt_id", 2);
	is_bool(v, "srv6_locators.0.down", true);
	is_int(v, "srv6_locators.0.algorithm", 128);
	is_str(v, "srv6_locators.1.locator", "fc00::/33");
	/* narrow first (wire order), then the extended ones */
	is_str(v, "ip_reach.0.prefix", "10.0.0.0/24");
	is_bool(v, "ip_reach.0.narrow", true);
	is_bool(v, "ip_reach.0.external", false);
	is_int(v, "ip_reach.0.metric", 10);
	is_str(v, "ip_reach.1.prefix", "172.16.0.0/12");
	is_bool(v, "ip_reach.1.external", true);
	is_str(v, "ip_reach.2.prefix", "0.0.0.0/0");
	is_str(v, "ip_reach.3.prefix", "10.9.0.0/20"); /* 10.9.8.7/20: host bits cleared */
	is_bool(v, "ip_reach.3.up_down", true);
	is_int(v, "ip_reach.3.metric", 4261412864LL);
	is_bool(v, "ip_reach.3.external", false);	/* sub-TLV 4: X clear */
	is_bool(v, "ip_reach.3.node", false);
	has_unknown(v, "ip_reach.3.unknown_subtlvs", 4, "40"); /* R flag: kept */
	is_str(v, "ip_reach.4.prefix", "10.0.0.0/8");
	ck_assert_uint_eq(json_array_size(at(v, "ip_reach")), 5);
	is_str(v, "ip6_reach.0.prefix", "::/0");
	is_str(v, "ip6_reach.1.prefix", "2001:db8::/33");
	is_bool(v, "ip6_reach.1.up_down", true);
	is_bool(v, "ip6_reach.1.external", true);
	has_unknown(v, "ip6_reach.1.unknown_subtlvs", 1, "");
	is_str(v, "router_capability.router_id", "192.168.50.9");
	is_bool(v, "router_capability.flood_domain", true);
	is_bool(v, "router_capability.down", true);
	is_bool(v, "router_capability.srv6.oam", true);
	is_int(v, "router_capability.node_msd.srh_max_sl", 10);
	check_golden("every_tlv", v);
	json_decref(v);
	isis_pdu_free(&p);
	isis_pdu_free(&built);
}
END_TEST

START_TEST(lsp_srlgs_and_odd_values)
{
	struct isis_pdu built, p;
	json_t *v;

	odd_lsp(&built);
	via_wire(&built, &p);
	v = lsp_json(&p, 1100);
	is_str(v, "lsp_id", "1921.6805.0004.00-01");
	is_int(v, "level", 1);
	is_bool(v, "flags.overload", true);
	is_str(v, "hostname", "r4");
	has_unknown(v, "unknown_tlvs", 137, "723462");
	is_str(v, "area_addresses.0", "47");
	ck_assert_uint_eq(json_array_size(at(v, "area_addresses")), 1);
	has_unknown(v, "unknown_tlvs", 1, "024901");
	is_str(v, "te_router_id6", "fc00:0:4::1");
	is_int(v, "topologies.0", 0);
	is_int(v, "topologies.1", 2);
	/* both numbered TLV 138s folded, in wire order, without duplicates */
	ck_assert_uint_eq(json_array_size(at(v, "is_reach.0.srlgs")), 3);
	is_int(v, "is_reach.0.srlgs.0", 101);
	is_int(v, "is_reach.0.srlgs.1", 7);
	is_int(v, "is_reach.0.srlgs.2", 300);
	is_str(v, "is_reach.0.local_address", "100.65.0.13");
	has_unknown(v, "is_reach.0.unknown_subtlvs", 6, "64410063");	/* the 2nd one */
	has_unknown(v, "is_reach.0.unknown_subtlvs", 9, "7fc00000");	/* NaN */
	absent(v, "is_reach.0.max_bandwidth");
	is_num(v, "is_reach.0.max_reservable_bandwidth", 9876.0);
	is_int(v, "is_reach.0.te_metric", 35);
	is_int(v, "is_reach.0.adj_sids.0.label", 24013);
	is_bool(v, "is_reach.0.adj_sids.0.backup", true);
	is_int(v, "is_reach.0.adj_sids.0.weight", 2);
	absent(v, "is_reach.0.end_x_sids");	/* End.T under sub-TLV 43 */
	ck_assert_uint_eq(json_array_size(at(v, "is_reach.0.unknown_subtlvs")), 3);
	/* the unnumbered SRLG matched by link IDs */
	is_int(v, "is_reach.1.srlgs.0", 55);
	has_unknown(v, "is_reach.1.unknown_subtlvs", 4, "0000000b0000000c");
	/* the SRLG of a link not here is kept */
	has_unknown(v, "unknown_tlvs", 138, "19216805000700016441001464410015"
					    "00000009");
	is_int(v, "router_capability.sr_mpls.srgb_base", 16000);
	is_int(v, "router_capability.sr_mpls.srgb_range", 8000);
	is_bool(v, "router_capability.sr_mpls.ipv4", true);
	is_bool(v, "router_capability.sr_mpls.ipv6", true);
	ck_assert_uint_eq(json_array_size(at(v, "router_capability.algorithms")), 2);
	is_int(v, "router_capability.algorithms.1", 1);
	is_int(v, "router_capability.node_msd.base_mpls", 10);
	is_int(v, "router_capability.node_msd.srh_max_h_encaps", 8);
	has_unknown(v, "unknown_tlvs", 242, "c0a8322c00");
	check_golden("odd_lsp", v);
	json_decref(v);
	isis_pdu_free(&p);
	isis_pdu_free(&built);
}
END_TEST

START_TEST(lsp_purges)
{
	struct isis_pdu built, p;
	struct isis_tlv *t;
	json_t *v;

	isis_pdu_init(&built, ISIS_L2_LSP);
	isis_test_sysid(built.h.lsp.lsp_id, 3);
	built.h.lsp.seq = 42;
	built.h.lsp.lifetime = 0;
	t = isis_test_tlv(&built, ISIS_TLV_PURGE_ORIG);
	t->u.purge.count = 1;
	isis_test_sysid(t->u.purge.sysid[0], 1);
	t = isis_test_tlv(&built, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = 2;
	memcpy(t->u.hostname.name, "r1", 2);
	via_wire(&built, &p);
	ck_assert_uint_eq(p.h.lsp.lifetime, 0);
	v = lsp_json(&p, 0);
	ck_assert_uint_eq(json_object_size(v), 6);
	is_str(v, "lsp_id", "1921.6805.0003.00-00");
	is_int(v, "seq", 42);
	is_int(v, "remaining_lifetime", 0);
	absent(v, "hostname");
	absent(v, "unknown_tlvs");
	check_golden("purge", v);
	json_decref(v);
	/* a purge is one even if the caller passes a lifetime */
	v = lsp_json(&p, 300);
	is_int(v, "remaining_lifetime", 0);
	ck_assert_uint_eq(json_object_size(v), 6);
	json_decref(v);
	isis_pdu_free(&p);
	/* a live LSP whose lifetime ran out in the LSDB: header only */
	seed_r1(&p);
	v = lsp_json(&p, 0);
	ck_assert_uint_eq(json_object_size(v), 6);
	is_int(v, "seq", 8);
	json_decref(v);
	isis_pdu_free(&p);
	isis_pdu_free(&built);
}
END_TEST

START_TEST(lsp_errors)
{
	struct isis_pdu p;
	json_t *v;

	ck_assert_ptr_null(ted_json_lsp(NULL, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "no PDU");
	isis_pdu_init(&p, ISIS_P2P_IIH);
	ck_assert_ptr_null(ted_json_lsp(&p, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "not an LSP (PDU type 17)");
	isis_pdu_free(&p);
	isis_pdu_init(&p, ISIS_L2_CSNP);
	ck_assert_ptr_null(ted_json_lsp(&p, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "not an LSP (PDU type 25)");
	ck_assert_ptr_null(ted_json_lsp(&p, 1, NULL, 0)); /* no err buffer: fine */
	isis_pdu_free(&p);
	seed_r1(&p);
	p.h.lsp.seq = 0;
	ck_assert_ptr_null(ted_json_lsp(&p, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "sequence number 0 (the schema needs 1..2^32-1)");
	ck_assert_ptr_null(ted_json_lsp(&p, 1, err, 8)); /* short buffer: cut, terminated */
	ck_assert_str_eq(err, "sequenc");
	p.h.lsp.seq = 1;
	v = ted_json_lsp(&p, 1, err, sizeof(err));
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(err, "");
	json_decref(v);
	isis_pdu_free(&p);
	/* a built PDU the wire could not carry */
	seed_r1(&p);
	for (size_t i = 0; i < p.ntlvs; i++)
		if (p.tlvs[i].type == ISIS_TLV_EXT_IP_REACH)
			p.tlvs[i].it.ip[0].plen = 40;
	ck_assert_ptr_null(ted_json_lsp(&p, 1, err, sizeof(err)));
	ck_assert_str_eq(err, "TLV 135: prefix length 40");
	isis_pdu_free(&p);
	ck_assert_ptr_null(ted_json_dumps(NULL));
}
END_TEST

START_TEST(lsp_deterministic)
{
	struct isis_pdu a, b, built, c;
	json_t *va, *vb, *vc, *vd;
	char *ta, *tb, *tc, *td;

	seed_r1(&a);
	seed_r1(&b);
	va = lsp_json(&a, 1199);
	vb = lsp_json(&b, 1199);
	ta = text_of(va);
	tb = text_of(vb);
	ck_assert_str_eq(ta, tb);
	ck_assert(json_equal(va, vb));
	/* field order is the schema's */
	ck_assert_ptr_eq(strstr(ta, "{\"lsp_id\":\"1921.6805.0001.00-00\",\"level\":2,\"seq\":8,"), ta);
	ck_assert_ptr_null(strchr(ta, ' '));
	ck_assert_ptr_null(strchr(ta, '\n'));
	/* the codec-built struct and its decoded copy give the same text */
	every_tlv(&built);
	via_wire(&built, &c);
	built.h.lsp.checksum = c.h.lsp.checksum;	/* encode computed it */
	vc = lsp_json(&built, 5);
	vd = lsp_json(&c, 5);
	tc = text_of(vc);
	td = text_of(vd);
	ck_assert_str_eq(tc, td);
	/* text round trip through jansson keeps the bytes */
	json_t *back = json_loads(ta, 0, NULL);

	ck_assert_ptr_nonnull(back);
	free(tb);
	tb = text_of(back);
	ck_assert_str_eq(ta, tb);
	json_decref(back);
	free(ta), free(tb), free(tc), free(td);
	json_decref(va), json_decref(vb), json_decref(vc), json_decref(vd);
	isis_pdu_free(&a), isis_pdu_free(&b), isis_pdu_free(&c), isis_pdu_free(&built);
}
END_TEST

/* Every LSP of the fuzz corpus (golden PDUs, malformed and fuzzer-found inputs):
 * never a crash, and each value (checksum fixed up where needed) schema-valid. */
static size_t corpus_values(struct vdir *d)
{
	char dir[4096], path[8192];
	struct dirent *de;
	size_t n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/isis_pdu", isis_test_src_dir());
	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "no %s", dir);
	while ((de = readdir(dp)) != NULL) {
		struct isis_pdu p;
		struct isis_err e;
		FILE *f;
		size_t len;
		json_t *v;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (isis_pdu_decode(buf, len, &p, &e) != 0) {
			/* an LSP with a bad checksum: fix it up so its TLVs are reached */
			size_t plen = len >= 10 ? (size_t)(buf[8] << 8 | buf[9]) : 0;

			if (len < ISIS_LSP_HDR_LEN || !isis_pdu_is_lsp(buf[4] & 0x1f) ||
			    plen < ISIS_LSP_HDR_LEN || plen > len)
				continue;
			isis_lsp_checksum_set(buf, plen);
			if (isis_pdu_decode(buf, len, &p, &e) != 0)
				continue;
		}
		v = ted_json_lsp(&p, p.h.lsp.lifetime, err, sizeof(err));
		if (isis_pdu_is_lsp(p.type) && p.h.lsp.seq != 0) {
			ck_assert_msg(v != NULL, "%s: %s", de->d_name, err);
			if (d && d->n < MAX_FILES - 64)
				vdir_add(d, "ted-lsp", v);
			n++;
		} else {
			ck_assert_ptr_null(v);
			ck_assert_str_ne(err, "");
		}
		json_decref(v);
		isis_pdu_free(&p);
	}
	closedir(dp);
	return n;
}

START_TEST(lsp_fuzz_corpus_never_crashes)
{
	ck_assert_uint_gt(corpus_values(NULL), 5);
}
END_TEST

/* --- the TED agrees ----------------------------------------------------------------- */

static json_t *speaker_value(const struct tnode *n)
{
	struct ted_json_adj_in adj[4];
	struct ted_json_speaker_in in;
	struct isis_area area = { 3, { 0x49, 0x00, 0x02 } };
	char nbr[4][8];
	json_t *v;

	memset(adj, 0, sizeof(adj));
	memset(&in, 0, sizeof(in));
	in.node = n->name;
	sysid(in.system_id, n->id);
	in.areas = &area;
	in.nareas = 1;
	in.level = 2;
	in.started = "2026-11-22T07:30:00.123Z";
	in.pid = 4242;
	in.version = "0.1.0";
	for (size_t i = 0; i < n->nlinks; i++) {
		const struct tlink *l = &n->links[n->nlinks - 1 - i]; /* unsorted on purpose */
		struct ted_json_adj_in *a = &adj[i];

		a->interface = l->ifname;
		a->state = ISIS_ADJ_UP;
		a->has_neighbor = true;
		sysid(a->nbr_sysid, l->nbr);
		snprintf(nbr[i], sizeof(nbr[i]), "r%u", l->nbr);
		a->neighbor = nbr[i];
		a->level = 2;
		ck_assert_int_eq(addr_parse(l->local, &a->local4), 0);
		ck_assert_int_eq(addr_parse(l->remote, &a->nbr4), 0);
		ck_assert_int_eq(addr_parse("fe80::1", &a->nbr6), 0);
		a->hold_time = 30;
		a->up_since = "2026-11-22T07:30:04.500Z";
	}
	in.adj = adj;
	in.nadj = n->nlinks;
	v = ted_json_speaker(&in, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	return v;
}

START_TEST(ted_consumes_lsps)
{
	struct isis_pdu p[3];
	ted_t t;
	char *text, e[TED_ERR_LEN];
	uint32_t r1, r2, r3, l12, l21;
	const struct ted_link *l;

	ted_init(&t);
	for (int i = 0; i < 3; i++) {
		json_t *v;

		originate(&tri[i], &p[i]);
		if (i == 0) {	/* r1 adds SRLGs on its link to r2 */
			struct isis_tlv *s = isis_test_tlv(&p[0], ISIS_TLV_SRLG);

			isis_test_sysid(s->u.srlg.id, 2);
			s->u.srlg.flags = 1;
			isis_test_v4(s->u.srlg.local, "100.65.0.2");
			isis_test_v4(s->u.srlg.remote, "100.65.0.3");
			s->u.srlg.n = 2;
			s->u.srlg.v = calloc(2, sizeof(uint32_t));
			s->u.srlg.v[0] = 200, s->u.srlg.v[1] = 100;
		}
		v = lsp_json(&p[i], 1199);
		text = text_of(v);
		ck_assert_msg(ted_lsp_update_text(&t, NULL, text, strlen(text), e, sizeof(e)) == 0,
			      "%s", e);
		free(text);
		json_decref(v);
		v = speaker_value(&tri[i]);
		ck_assert_msg(ted_speaker_update(&t, v, e, sizeof(e)) == 0, "%s", e);
		json_decref(v);
	}
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_uint_eq(t.n_links, 6);
	ck_assert_uint_eq(t.n_one_way, 0);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	r3 = ted_node_find(&t, "r3");
	ck_assert_uint_ne(r1, TED_NONE);
	ck_assert_uint_ne(r2, TED_NONE);
	ck_assert_uint_ne(r3, TED_NONE);
	ck_assert_str_eq(t.nodes[r1].hostname, "r1");
	ck_assert(t.nodes[r1].has_locator);
	for (uint32_t i = 0; i < t.n_links; i++) {
		ck_assert_uint_ne(t.links[i].reverse, TED_NONE);
		ck_assert_uint_eq(t.links[t.links[i].reverse].reverse, i);
		ck_assert_str_ne(t.links[i].name, "");	/* every link named by its speaker */
		ck_assert_double_eq(t.links[i].max_bw, 1e9);
		ck_assert_double_eq(t.links[i].max_rsv_bw, 1e9);
		ck_assert_double_eq(t.links[i].unrsv[0], 1e9);
		ck_assert_double_eq(t.links[i].unrsv[7], 8e8);
		ck_assert_uint_eq(t.links[i].n_sids, 1);
	}
	l12 = ted_link_find(&t, "r1:et2");
	l21 = ted_link_find(&t, "r2:et1");
	ck_assert_uint_ne(l12, TED_NONE);
	ck_assert_uint_ne(l21, TED_NONE);
	l = &t.links[l12];
	ck_assert_uint_eq(l->from, r1);
	ck_assert_uint_eq(l->to, r2);
	ck_assert_uint_eq(l->reverse, l21);
	ck_assert_uint_eq(l->te_metric, 51);
	ck_assert_uint_eq(l->igp_metric, 51);
	ck_assert_uint_eq(l->delay_us, 50000);
	ck_assert_uint_eq(l->admin_group, 1);
	ck_assert_uint_eq(l->n_srlgs, 2);
	ck_assert_uint_eq(t.srlgs[l->srlg_first], 100);	/* the TED sorts them */
	ck_assert_uint_eq(t.srlgs[l->srlg_first + 1], 200);
	ck_assert_uint_eq(t.links[l21].n_srlgs, 0);
	char a[ADDR_STRLEN];

	ck_assert_str_eq(addr_format(&t.sids[l->sid_first], a, sizeof(a)), "fc00:0:1:e001::");
	ck_assert_str_eq(addr_format(&l->local, a, sizeof(a)), "100.65.0.2");
	l = &t.links[ted_link_find(&t, "r3:et2")];
	ck_assert_uint_eq(l->from, r3);
	ck_assert_uint_eq(l->to, r2);
	ck_assert_uint_eq(l->delay_us, 20000);
	ck_assert_uint_eq(l->admin_group, 0);
	ted_free(&t);
	for (int i = 0; i < 3; i++)
		isis_pdu_free(&p[i]);
}
END_TEST

/* Whatever the encoder produces, the TED's parser accepts: the "every TLV" PDU, the odd
 * one, a purge (what the key holds until the speaker deletes it). */
START_TEST(ted_accepts_every_value)
{
	struct isis_pdu built[3];
	char e[TED_ERR_LEN];
	ted_t t;

	ted_init(&t);
	every_tlv(&built[0]);
	odd_lsp(&built[1]);
	seed_r1(&built[2]);
	for (int i = 0; i < 3; i++) {
		json_t *v = lsp_json(&built[i], i == 2 ? 0 : 600);

		ck_assert_msg(ted_lsp_update(&t, NULL, v, e, sizeof(e)) == 0, "%s", e);
		json_decref(v);
		isis_pdu_free(&built[i]);
	}
	ck_assert_uint_eq(t.n_errors, 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_nodes, 2);	/* r4's fragment 1 alone makes no node */
	/* the purge has no hostname: the node is named by its system ID */
	ck_assert_uint_ne(ted_node_find(&t, "1921.6805.0001"), TED_NONE);
	ck_assert_uint_eq(t.n_links, 0);	/* no two-way partners */
	ted_free(&t);
}
END_TEST

/* --- routes ------------------------------------------------------------------------- */

/* SPF from r1 over the triangle, with r1's adjacencies listed et3 first */
static void tri_spf(struct isis_spf *spf, struct isis_pdu p[3], struct isis_spf_adj adj[2])
{
	const struct isis_pdu *v[3] = { &p[0], &p[1], &p[2] };
	struct isis_spf_array it = { v, 3, 0 };
	struct isis_spf_input in;

	for (int i = 0; i < 3; i++)
		originate(&tri[i], &p[i]);
	memset(adj, 0, 2 * sizeof(*adj));
	sysid(adj[0].sysid, 3);
	adj[0].ifindex = 3;
	snprintf(adj[0].ifname, sizeof(adj[0].ifname), "et3");
	ck_assert_int_eq(addr_parse("100.65.0.7", &adj[0].addr4), 0);
	ck_assert_int_eq(addr_parse("fe80::3", &adj[0].addr6), 0);
	sysid(adj[1].sysid, 2);
	adj[1].ifindex = 2;
	snprintf(adj[1].ifname, sizeof(adj[1].ifname), "et2");
	ck_assert_int_eq(addr_parse("100.65.0.3", &adj[1].addr4), 0);
	ck_assert_int_eq(addr_parse("fe80::2", &adj[1].addr6), 0);
	memset(&in, 0, sizeof(in));
	in.level = 2;
	sysid(in.root, 1);
	in.next = isis_spf_array_next;
	in.ctx = &it;
	in.adj = adj;
	in.nadj = 2;
	isis_spf_init(spf);
	ck_assert_int_eq(isis_spf_run(spf, &in), 0);
}

static const struct isis_spf_route *find_route(const struct isis_spf *spf, const char *pfx)
{
	prefix_t want;

	ck_assert_int_eq(prefix_parse(pfx, false, &want), 0);
	for (size_t i = 0; i < spf->nroutes; i++)
		if (prefix_cmp(&spf->routes[i].prefix, &want) == 0)
			return &spf->routes[i];
	ck_abort_msg("no route %s", pfx);
	return NULL;
}

static json_t *route_json(const struct isis_spf *spf, const struct isis_spf_adj *adj,
			  const struct isis_spf_route *r)
{
	struct ted_json_route_in in = { spf, r, 2, adj, 2, ted_json_spf_hostname,
					(void *)spf };

	return ted_json_route(&in, err, sizeof(err));
}

START_TEST(route_values)
{
	struct isis_spf spf, spf2;
	struct isis_pdu p[3], p2[3];
	struct isis_spf_adj adj[2], adj2[2];
	const struct isis_spf_route *r;
	json_t *v;
	char *a, *b;
	size_t nonlocal = 0;

	tri_spf(&spf, p, adj);
	/* r2's loopback: via r3 (10 + 10) beats the direct 51 */
	v = route_json(&spf, adj, find_route(&spf, "192.168.50.2/32"));
	ck_assert_msg(v != NULL, "%s", err);
	is_str(v, "prefix", "192.168.50.2/32");
	is_int(v, "metric", 20);
	is_int(v, "level", 2);
	ck_assert_uint_eq(json_array_size(at(v, "next_hops")), 1);
	is_str(v, "next_hops.0.interface", "et3");
	is_str(v, "next_hops.0.address", "100.65.0.7");
	is_str(v, "next_hops.0.neighbor", "r3");
	absent(v, "backup");
	json_decref(v);
	/* IPv6: the neighbor's link-local address */
	v = route_json(&spf, adj, find_route(&spf, "fc00:0:3::1/128"));
	ck_assert_msg(v != NULL, "%s", err);
	is_str(v, "next_hops.0.address", "fe80::3");
	json_decref(v);
	/* local routes have no value */
	r = find_route(&spf, "192.168.50.1/32");
	ck_assert(r->flags & ISIS_SPF_R_LOCAL);
	ck_assert_ptr_null(route_json(&spf, adj, r));
	ck_assert_str_eq(err, "local route: no next hop");
	/* the same SPF again gives the same bytes for every route */
	tri_spf(&spf2, p2, adj2);
	ck_assert_uint_eq(spf.nroutes, spf2.nroutes);
	for (size_t i = 0; i < spf.nroutes; i++) {
		json_t *v2;

		if (spf.routes[i].flags & ISIS_SPF_R_LOCAL)
			continue;
		v = route_json(&spf, adj, &spf.routes[i]);
		v2 = route_json(&spf2, adj2, &spf2.routes[i]);
		ck_assert_msg(v && v2, "%s", err);
		a = text_of(v);
		b = text_of(v2);
		ck_assert_str_eq(a, b);
		/* exactly the route's fields: nothing that changes without the route */
		ck_assert_uint_eq(json_object_size(v), 4);
		free(a), free(b);
		json_decref(v), json_decref(v2);
		nonlocal++;
	}
	ck_assert_uint_ge(nonlocal, 5);
	for (int i = 0; i < 3; i++)
		isis_pdu_free(&p[i]), isis_pdu_free(&p2[i]);
	isis_spf_free(&spf);
	isis_spf_free(&spf2);
}
END_TEST

START_TEST(route_ecmp_and_errors)
{
	struct isis_spf spf;
	struct isis_spf_adj adj[3];
	uint32_t nh[3] = { 1, 0, 2 };
	struct isis_spf_route r;
	struct ted_json_route_in in;
	json_t *v;

	/* a hand-made result: three first hops, the third a duplicate of the first */
	memset(&spf, 0, sizeof(spf));
	memset(adj, 0, sizeof(adj));
	memset(&r, 0, sizeof(r));
	spf.nh = nh;
	spf.nnh = 3;
	snprintf(adj[0].ifname, sizeof(adj[0].ifname), "et3");
	addr_parse("100.65.0.7", &adj[0].addr4);
	sysid(adj[0].sysid, 3);
	snprintf(adj[1].ifname, sizeof(adj[1].ifname), "et2");
	addr_parse("100.65.0.3", &adj[1].addr4);
	sysid(adj[1].sysid, 2);
	adj[2] = adj[0];
	ck_assert_int_eq(prefix_parse("100.65.0.8/31", false, &r.prefix), 0);
	r.metric = 20;
	r.nh_n = 3;
	memset(&in, 0, sizeof(in));
	in.spf = &spf;
	in.route = &r;
	in.level = 2;
	in.adj = adj;
	in.nadj = 3;
	v = ted_json_route(&in, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	ck_assert_uint_eq(json_array_size(at(v, "next_hops")), 2);
	is_str(v, "next_hops.0.interface", "et2");	/* sorted by interface */
	is_str(v, "next_hops.1.interface", "et3");
	absent(v, "next_hops.0.neighbor");		/* no name callback */
	json_decref(v);
	/* an IPv6 route over adjacencies without IPv6 addresses */
	ck_assert_int_eq(prefix_parse("fc00:0:2::/48", false, &r.prefix), 0);
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "no next hop with an IPv6 address");
	ck_assert_int_eq(prefix_parse("100.65.0.8/31", false, &r.prefix), 0);
	in.nadj = 2;	/* index 2 now out of range */
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "next hop index 2 out of range (2 adjacencies)");
	in.nadj = 3;
	r.nh_off = 1;	/* past spf.nnh */
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "next hops 1..4 beyond the run's 3");
	r.nh_off = 0;
	snprintf(adj[1].ifname, sizeof(adj[1].ifname), "et/2");
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "adjacency 1: interface \"et/2\" is not a Linux interface name");
	memset(adj[1].ifname, 'x', sizeof(adj[1].ifname)); /* not terminated */
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	snprintf(adj[1].ifname, sizeof(adj[1].ifname), "et2");
	in.level = 3;
	ck_assert_ptr_null(ted_json_route(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "level 3");
	ck_assert_ptr_null(ted_json_route(NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "no route");
}
END_TEST

/* --- SIDs and speaker values -------------------------------------------------------- */

static json_t *sid_json(enum ted_json_sid_behavior b, const char *sid, const char *nh,
			const char *ifname, const char *nbr, uint32_t table)
{
	struct ted_json_sid_in in;

	memset(&in, 0, sizeof(in));
	in.behavior = b;
	if (sid)
		ck_assert_int_eq(addr_parse(sid, &in.sid), 0);
	if (nh && b == TED_JSON_SID_END_X)
		ck_assert_int_eq(addr_parse(nh, &in.nh6), 0);
	if (nh && b == TED_JSON_SID_END_DX4)
		ck_assert_int_eq(addr_parse(nh, &in.nh4), 0);
	in.interface = ifname;
	in.neighbor = nbr;
	in.table = table;
	return ted_json_sid(&in, err, sizeof(err));
}

START_TEST(sid_values)
{
	json_t *v;
	char *t;

	v = sid_json(TED_JSON_SID_END, "fc00:0:1::", NULL, NULL, NULL, 0);
	ck_assert_ptr_nonnull(v);
	t = text_of(v);
	ck_assert_str_eq(t, "{\"sid\":\"fc00:0:1::\",\"behavior\":\"End\"}");
	free(t);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_X, "fc00:0:1:e002::", "fe80::a8c1:abff:fe12:3402", "et2",
		     "r2", 0);
	ck_assert_ptr_nonnull(v);
	t = text_of(v);
	ck_assert_str_eq(t, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.X\","
			    "\"nh6\":\"fe80::a8c1:abff:fe12:3402\",\"interface\":\"et2\","
			    "\"neighbor\":\"r2\"}");
	free(t);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DT6, "fc00:0:1:d6::", NULL, NULL, NULL, 0);
	is_str(v, "table", "main");
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DT6, "fc00:0:1:d6::", NULL, NULL, NULL, 100);
	is_int(v, "table", 100);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DX4, "fc00:0:1:d4::", NULL, NULL, NULL, 0);
	is_str(v, "nh4", "0.0.0.0");
	absent(v, "interface");
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DX4, "fc00:0:1:d4::", "100.65.0.3", "et2", NULL, 0);
	is_str(v, "nh4", "100.65.0.3");
	is_str(v, "interface", "et2");
	json_decref(v);
	/* errors */
	ck_assert_ptr_null(sid_json(TED_JSON_SID_END, "10.0.0.1", NULL, NULL, NULL, 0));
	ck_assert_str_eq(err, "sid: not an IPv6 address");
	ck_assert_ptr_null(sid_json(TED_JSON_SID_END_X, "fc00::", NULL, "et2", NULL, 0));
	ck_assert_str_eq(err, "End.X: nh6: not an IPv6 address");
	ck_assert_ptr_null(sid_json(TED_JSON_SID_END_X, "fc00::", "fe80::1", NULL, NULL, 0));
	ck_assert_str_eq(err, "End.X: interface: missing");
	ck_assert_ptr_null(sid_json(TED_JSON_SID_END_X, "fc00::", "fe80::1", "a:b", NULL, 0));
	ck_assert_str_eq(err, "interface: \"a:b\" is not a Linux interface name");
	ck_assert_ptr_null(sid_json(TED_JSON_SID_END_X, "fc00::", "fe80::1", "et2", "r/2", 0));
	ck_assert_str_eq(err, "neighbor: \"r/2\" is not a node name");
	ck_assert_ptr_null(sid_json((enum ted_json_sid_behavior)9, "fc00::", NULL, NULL, NULL, 0));
	ck_assert_str_eq(err, "unknown behavior 9");
	ck_assert_ptr_null(ted_json_sid(NULL, err, sizeof(err)));
}
END_TEST

START_TEST(speaker_values)
{
	struct ted_json_adj_in adj[3];
	struct ted_json_speaker_in in;
	json_t *v;
	char long_reason[400];

	v = speaker_value(&tri[0]);
	is_str(v, "node", "r1");
	is_str(v, "system_id", "1921.6805.0001");
	is_str(v, "areas.0", "49.0002");
	is_bool(v, "overload", false);
	is_int(v, "pid", 4242);
	is_str(v, "adjacencies.0.interface", "et2");	/* sorted */
	is_str(v, "adjacencies.1.interface", "et3");
	is_str(v, "adjacencies.0.state", "up");
	is_str(v, "adjacencies.0.neighbor", "r2");
	is_str(v, "adjacencies.0.neighbor_system_id", "1921.6805.0002");
	is_str(v, "adjacencies.0.local_address", "100.65.0.2");
	is_str(v, "adjacencies.0.neighbor_address6", "fe80::1");
	is_str(v, "adjacencies.0.up_since", "2026-11-22T07:30:04.500Z");
	check_golden("speaker_r1", v);
	json_decref(v);

	memset(adj, 0, sizeof(adj));
	memset(&in, 0, sizeof(in));
	in.node = "r5";
	sysid(in.system_id, 5);
	in.started = "2026-11-22T07:30:00Z";
	adj[0].interface = "et2";
	adj[0].state = ISIS_ADJ_DOWN;
	memset(long_reason, 'a', sizeof(long_reason));
	long_reason[sizeof(long_reason) - 1] = 0;
	memcpy(long_reason + 255, "\xc3\xa9", 2);	/* an é across the 256-byte cut */
	adj[0].reason = long_reason;
	adj[1].interface = "et1";
	adj[1].state = ISIS_ADJ_INIT;
	adj[1].has_neighbor = true;
	sysid(adj[1].nbr_sysid, 3);
	adj[1].reason = "neighbor has not seen our hello yet";
	in.adj = adj;
	in.nadj = 2;
	v = ted_json_speaker(&in, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	is_str(v, "adjacencies.0.interface", "et1");
	is_str(v, "adjacencies.0.state", "initializing");
	is_str(v, "adjacencies.0.neighbor", "1921.6805.0003");	/* name not known yet */
	absent(v, "adjacencies.0.up_since");
	is_str(v, "adjacencies.1.state", "down");
	absent(v, "adjacencies.1.neighbor");
	ck_assert_uint_eq(strlen(json_string_value(at(v, "adjacencies.1.reason"))), 255);
	absent(v, "areas");
	absent(v, "pid");
	json_decref(v);
	/* errors */
	adj[1].state = ISIS_ADJ_UP;
	ck_assert_ptr_null(ted_json_speaker(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "adjacencies[1] (et1): up without up_since");
	adj[1].up_since = "yesterday";
	ck_assert_ptr_null(ted_json_speaker(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "adjacencies[1] (et1): up_since: not an RFC 3339 timestamp");
	adj[1].up_since = "2026-11-22T07:30:04+01:00";
	adj[1].interface = "et2";
	ck_assert_ptr_null(ted_json_speaker(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "adjacencies[1] (et2): interface listed twice");
	adj[1].interface = "et1";
	v = ted_json_speaker(&in, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	json_decref(v);
	in.started = "2026-11-22 07:30:00";
	ck_assert_ptr_null(ted_json_speaker(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "started: not an RFC 3339 timestamp");
	in.started = "2026-11-22T07:30:00.123Z";
	in.node = "r 5";
	ck_assert_ptr_null(ted_json_speaker(&in, err, sizeof(err)));
	ck_assert_str_eq(err, "node: not a node name");
	ck_assert_ptr_null(ted_json_speaker(NULL, err, sizeof(err)));
}
END_TEST

START_TEST(time_format)
{
	char b[TIME_RFC3339_LEN];

	ck_assert_str_eq(time_rfc3339(0, b, sizeof(b)), "1970-01-01T00:00:00.000Z");
	ck_assert_str_eq(time_rfc3339(1795332600123ull, b, sizeof(b)),
			 "2026-11-22T07:30:00.123Z");
	ck_assert_str_eq(time_rfc3339(951782400999ull, b, sizeof(b)), /* leap day */
			 "2000-02-29T00:00:00.999Z");
	ck_assert_ptr_null(time_rfc3339(0, b, sizeof(b) - 1));
	ck_assert_str_eq(b, "");
	ck_assert_ptr_null(time_rfc3339(UINT64_MAX, b, sizeof(b)));
	ck_assert_ptr_null(time_rfc3339(0, NULL, 0));
}
END_TEST

/* --- schema conformance ------------------------------------------------------------- */

START_TEST(values_match_schemas)
{
	struct vdir d;
	struct isis_pdu p, built, tp[3];
	struct isis_spf spf;
	struct isis_spf_adj adj[2];
	json_t *v;
	FILE *f;
	char path[128];

	if (!have_jsonschema())
		return;
	vdir_init(&d);
	seed_r1(&p);
	v = lsp_json(&p, 1199);
	vdir_add(&d, "ted-lsp", v);
	json_decref(v);
	v = lsp_json(&p, 0);
	vdir_add(&d, "ted-lsp", v);
	json_decref(v);
	isis_pdu_free(&p);
	every_tlv(&built);
	v = lsp_json(&built, 65535);
	vdir_add(&d, "ted-lsp", v);
	json_decref(v);
	isis_pdu_free(&built);
	odd_lsp(&built);
	v = lsp_json(&built, 1);
	vdir_add(&d, "ted-lsp", v);
	json_decref(v);
	isis_pdu_free(&built);
	ck_assert_uint_gt(corpus_values(&d), 5);
	/* routes of a real SPF run (IPv4 and IPv6), SIDs, speakers */
	tri_spf(&spf, tp, adj);
	for (size_t i = 0; i < spf.nroutes; i++) {
		if (spf.routes[i].flags & ISIS_SPF_R_LOCAL)
			continue;
		v = route_json(&spf, adj, &spf.routes[i]);
		ck_assert_msg(v != NULL, "%s", err);
		vdir_add(&d, "rib-isis-route", v);
		json_decref(v);
	}
	for (int i = 0; i < 3; i++) {
		v = lsp_json(&tp[i], 1199);
		vdir_add(&d, "ted-lsp", v);
		json_decref(v);
		v = speaker_value(&tri[i]);
		vdir_add(&d, "speaker", v);
		json_decref(v);
		isis_pdu_free(&tp[i]);
	}
	isis_spf_free(&spf);
	v = sid_json(TED_JSON_SID_END, "fc00:0:1::", NULL, NULL, NULL, 0);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_X, "fc00:0:1:e002::", "fe80::1", "et2", "r2", 0);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_X, "fc00:0:1:e003::", "fe80::2", "et3", NULL, 0);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DT6, "fc00:0:1:d6::", NULL, NULL, NULL, 0);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DT6, "fc00:0:1:d7::", NULL, NULL, NULL, 254);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	v = sid_json(TED_JSON_SID_END_DX4, "fc00:0:1:d4::", NULL, NULL, NULL, 0);
	vdir_add(&d, "rib-sid", v);
	json_decref(v);
	ck_assert_int_eq(vdir_check(&d, "ted-lsp"), 0);
	ck_assert_int_eq(vdir_check(&d, "rib-isis-route"), 0);
	ck_assert_int_eq(vdir_check(&d, "rib-sid"), 0);
	ck_assert_int_eq(vdir_check(&d, "speaker"), 0);
	/* the check can fail: a value breaking the schema is rejected */
	snprintf(path, sizeof(path), "%s/bad.json", d.dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"lsp_id\":\"1921.6805.0001.00-00\",\"level\":2,\"seq\":0,\"checksum\":\"0x0000\","
	      "\"remaining_lifetime\":0,\"flags\":{\"att\":false,\"partition\":false,"
	      "\"overload\":false}}", f);
	fclose(f);
	ck_assert_uint_lt(d.n, MAX_FILES);
	d.files[d.n] = strdup(path);
	snprintf(d.family[d.n], sizeof(d.family[0]), "bad");
	d.n++;
	{
		char cmd[8192];

		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas ted-lsp %s "
			 ">/dev/null",
			 isis_test_src_dir(), isis_test_src_dir(), path);
		ck_assert_int_ne(system(cmd), 0);
	}
	vdir_free(&d);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ted_json");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lsp_seed_r1);
	tcase_add_test(tc, lsp_every_tlv);
	tcase_add_test(tc, lsp_srlgs_and_odd_values);
	tcase_add_test(tc, lsp_purges);
	tcase_add_test(tc, lsp_errors);
	tcase_add_test(tc, lsp_deterministic);
	tcase_add_test(tc, lsp_fuzz_corpus_never_crashes);
	tcase_add_test(tc, ted_consumes_lsps);
	tcase_add_test(tc, ted_accepts_every_value);
	tcase_add_test(tc, route_values);
	tcase_add_test(tc, route_ecmp_and_errors);
	tcase_add_test(tc, sid_values);
	tcase_add_test(tc, speaker_values);
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, values_match_schemas);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
