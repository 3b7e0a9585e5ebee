/* test_encode_mpls — the controller's dataplane choice and SR-MPLS encoding
 * (te-controller/encode.{c,h}, through te-controller/plan.c as the controller runs it).
 *
 * The seed TED (te-controller/testdata/seed) is loaded three ways: as is (SRv6: End.X
 * SIDs and locators), rewritten to SR-MPLS only (every is_reach gets an RFC 8667
 * adjacency SID label 24000 + 10 * from + to, e.g. r2 -> r4 = 24024, and loses its
 * End.X SIDs; the locators go), and with both. Checks: r1 -> r4 over r1-r2-r4 pushes
 * [24024] (the label of every link after the first; r4 gets plain IP), its head-end
 * backup is the r1:et2 bypass r1-r3-r2 then the primary stack [24032, 24024], the
 * shared bypasses rib/r1/protect/r1:et2 = [24032] and rib/r2/protect/r2:et2 = [24034],
 * te/paths shows dataplane mpls, the labels and MPLS bypass entries; a one-link path
 * pushes nothing (and needs its own link's label); a link with neither End.X SID nor
 * label makes the LSP down with a reason naming both; a TED with both encodings gives
 * byte-identical values to the SRv6-only TED (SRv6 wins, today's bytes unchanged), and
 * those bytes are the ones tests/unit/test_ctl_plan.c pins. Every value is validated
 * against its schema with tests/schemas/validate.py (skipped, with a message, without
 * python3-jsonschema). DESIGN §6, §8. */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/encode.h"
#include "te-controller/plan.h"
#include "te-controller/ted.h"

enum mode { SRV6_ONLY, MPLS_ONLY, BOTH };

static const char *src_dir(void)
{
	const char *s = getenv("KVTE_SOURCE_DIR");

	return s ? s : ".";
}

/* "1921.6805.0004.00..." -> 4 (the seed's system IDs end in the router number) */
static unsigned node_num(const char *sysid)
{
	ck_assert_msg(sysid && strlen(sysid) >= 14, "bad system ID %s", sysid ? sysid : "");
	return (unsigned)strtoul(sysid + 10, NULL, 16);
}

/* drop: links "N-M" (from N to M) that get no label (and, in BOTH, lose their End.X
 * SIDs too: neither encoding). */
static void rewrite(json_t *lsp, enum mode m, const char *const *drop)
{
	unsigned from = node_num(json_string_value(json_object_get(lsp, "lsp_id")));
	json_t *reach = json_object_get(lsp, "is_reach"), *r;
	size_t i;

	if (m == SRV6_ONLY)
		return;
	if (m == MPLS_ONLY)
		json_object_del(lsp, "srv6_locators");
	json_array_foreach(reach, i, r) {
		unsigned to = node_num(json_string_value(json_object_get(r, "neighbor")));
		char name[16];
		bool skip = false;

		if (m == MPLS_ONLY)
			json_object_del(r, "end_x_sids");
		snprintf(name, sizeof(name), "%u-%u", from, to);
		for (size_t k = 0; drop && drop[k]; k++)
			skip |= strcmp(drop[k], name) == 0;
		if (skip)
			json_object_del(r, "end_x_sids");
		else
			json_object_set_new(r, "adj_sids",
					    json_pack("[{s:i, s:b, s:i}]", "label",
						      24000 + 10 * from + to, "backup", 0,
						      "weight", 0));
	}
}

static void load(ted_t *t, enum mode m, const char *const *drop)
{
	char pat[1024], err[512];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/te-controller/testdata/seed/*.json", src_dir());
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	ted_init(t);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		jx_ctx c;
		json_t *v;

		jx_init(&c, NULL);
		v = jx_load_file(&c, g.gl_pathv[i]);
		ck_assert_msg(v != NULL, "%s", c.err);
		if (strncmp(base, "ted-lsp-", 8) == 0) {
			rewrite(v, m, drop);
			ck_assert_msg(ted_lsp_update(t, NULL, v, err, sizeof(err)) == 0, "%s", err);
		} else if (strncmp(base, "speaker-", 8) == 0) {
			ck_assert_msg(ted_speaker_update(t, v, err, sizeof(err)) == 0, "%s", err);
		}
		json_decref(v);
	}
	globfree(&g);
	ck_assert_int_eq(ted_commit(t), 0);
}

static keys_t keys;

static void setup(void)
{
	ck_assert_int_eq(keys_init(&keys, NULL), 0);
}

static json_t *plan(const ted_t *t, const char *const *names, const char *const *reqs)
{
	struct plan_request r[8];
	json_t *v[8], *out = NULL;
	struct plan_input in = { .keys = &keys, .ted = t, .reqs = r, .now = "2026-11-22T07:31:02.250Z" };
	struct cspf_ws *ws = cspf_ws_new();
	size_t n = 0;

	ck_assert_ptr_nonnull(ws);
	for (; names[n]; n++) {
		json_error_t e;

		v[n] = json_loads(reqs[n], 0, &e);
		ck_assert_msg(v[n] != NULL, "%s", e.text);
		r[n] = (struct plan_request){ .name = names[n], .value = v[n], .revision = 7 };
	}
	in.n_reqs = n;
	ck_assert_int_eq(plan_compute(&in, ws, &out, NULL), 0);
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < n; i++)
		json_decref(v[i]);
	cspf_ws_free(ws);
	return out;
}

static const json_t *get(const json_t *d, const char *key)
{
	char full[KEYS_MAX];

	snprintf(full, sizeof(full), "/kvte/%s", key);
	return json_object_get(d, full);
}

static char *text(const json_t *v, const char *field)
{
	static char buf[4096];
	char *s;

	if (field[0])
		v = json_object_get(v, field);
	ck_assert_msg(v != NULL, "no field %s", field);
	s = jx_dumps(v);
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

static const char *str(const json_t *v, const char *field)
{
	const char *s = json_string_value(json_object_get(v, field));

	ck_assert_msg(s != NULL, "no string %s", field);
	return s;
}

static bool have_jsonschema(void)
{
	return system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

/* Validate every value of d against its family's schema; returns how many. */
static size_t schema_check(const json_t *d)
{
	char dir[] = "/tmp/kvte-encmpls-XXXXXX", path[1200], cmd[4096];
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!have_jsonschema()) {
		fprintf(stderr, "test_encode_mpls: python3-jsonschema not installed: schema "
				"validation skipped\n");
		return 0;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	json_object_foreach((json_t *)d, k, v) {
		struct key_info ki;
		int fam = keys_parse(&keys, k, &ki), st;
		char *s = jx_dumps(v);
		FILE *f;

		ck_assert_msg(fam >= 0, "key %s does not parse", k);
		snprintf(path, sizeof(path), "%s/%zu.json", dir, n++);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(s, f);
		fclose(f);
		free(s);
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas %s %s >/dev/null",
			 src_dir(), src_dir(), keys_family_name(fam), path);
		st = system(cmd);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s (%s) fails its schema: %s",
			      k, keys_family_name(fam), text(v, ""));
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	return n;
}

static const char *const R14[] = { "r1-to-r4", NULL };
static const char *const R14_REQ[] = {
	"{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"200M\",\"setup_priority\":4,"
	"\"hold_priority\":4,\"protection\":\"link\"}",
};

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(mpls_tunnel_backup_and_bypasses)
{
	ted_t t;
	json_t *d;
	const json_t *p, *tun, *prot;

	load(&t, MPLS_ONLY, NULL);
	d = plan(&t, R14, R14_REQ);
	p = get(d, "te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "state"), "up");
	ck_assert_str_eq(str(p, "dataplane"), "mpls");
	ck_assert_str_eq(text(p, "labels"), "[24024]");
	ck_assert_ptr_null(json_object_get(p, "segments"));
	ck_assert_str_eq(text(p, "bypasses"),
			 "[{\"dataplane\":\"mpls\",\"labels\":[24032],\"link\":\"r1:et2\","
			 "\"merge_point\":\"r2\",\"path\":[\"r1\",\"r3\",\"r2\"],\"plr\":\"r1\","
			 "\"state\":\"up\"},"
			 "{\"dataplane\":\"mpls\",\"labels\":[24034],\"link\":\"r2:et2\","
			 "\"merge_point\":\"r4\",\"path\":[\"r2\",\"r3\",\"r4\"],\"plr\":\"r2\","
			 "\"state\":\"up\"}]");

	tun = get(d, "rib/r1/te/r1-to-r4");
	ck_assert_ptr_nonnull(tun);
	ck_assert_str_eq(text(tun, ""),
		"{\"backup\":{\"first_hop\":{\"address\":\"100.65.0.7\",\"interface\":\"et3\","
		"\"neighbor\":\"r3\"},\"labels\":[24032,24024],\"link\":\"r1:et2\"},"
		"\"bandwidth\":200000000,\"dataplane\":\"mpls\",\"destinations\":"
		"[\"192.168.50.4/32\",\"fc00:0:4::1/128\"],\"first_hop\":{\"address\":"
		"\"100.65.0.3\",\"interface\":\"et2\",\"neighbor\":\"r2\"},\"labels\":[24024],"
		"\"lsp\":\"r1-to-r4\",\"metric\":128,\"path\":[\"r1\",\"r2\",\"r4\"],\"to\":\"r4\"}");

	prot = get(d, "rib/r1/protect/r1:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(str(prot, "dataplane"), "mpls");
	ck_assert_str_eq(text(prot, "labels"), "[24032]");
	ck_assert_ptr_null(json_object_get(prot, "segments"));
	ck_assert_str_eq(text(prot, "first_hop"),
			 "{\"address\":\"100.65.0.7\",\"interface\":\"et3\",\"neighbor\":\"r3\"}");
	prot = get(d, "rib/r2/protect/r2:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(text(prot, "labels"), "[24034]");
	ck_assert_str_eq(text(prot, "path"), "[\"r2\",\"r3\",\"r4\"]");
	ck_assert_uint_ge(schema_check(d), have_jsonschema() ? 4 : 0);
	json_decref(d);
	ted_free(&t);
}
END_TEST

START_TEST(mpls_one_link_path)
{
	static const char *const names[] = { "r1-to-r2", NULL };
	static const char *const reqs[] = { "{\"from\":\"r1\",\"to\":\"r2\"}" };
	static const char *const no_r1[] = { "1-2", "1-3", NULL };
	ted_t t;
	json_t *d;
	const json_t *p;

	load(&t, MPLS_ONLY, NULL);
	d = plan(&t, names, reqs);
	p = get(d, "rib/r1/te/r1-to-r2");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "dataplane"), "mpls");
	ck_assert_str_eq(text(p, "labels"), "[]"); /* plain IP to r2, the tail */
	ck_assert_str_eq(text(p, "path"), "[\"r1\",\"r2\"]");
	ck_assert_uint_ge(schema_check(d), have_jsonschema() ? 2 : 0);
	json_decref(d);
	ted_free(&t);

	/* r1 advertises no adjacency label: nothing says it runs SR-MPLS */
	load(&t, MPLS_ONLY, no_r1);
	d = plan(&t, names, reqs);
	p = get(d, "te/paths/r1-to-r2");
	ck_assert_str_eq(str(p, "state"), "down");
	ck_assert_ptr_nonnull(strstr(str(p, "reason"), "SR-MPLS: r1:et2 has no adjacency label"));
	ck_assert_ptr_nonnull(strstr(str(p, "reason"), "SRv6: tail r2 advertises no End.DX4 or "
						       "End.DT6 SID"));
	ck_assert_ptr_null(get(d, "rib/r1/te/r1-to-r2"));
	json_decref(d);
	ted_free(&t);
}
END_TEST

START_TEST(mixed_link_lacking_both)
{
	static const char *const drop[] = { "2-4", NULL };
	ted_t t;
	json_t *d;
	const json_t *p;

	/* both encodings everywhere but on r2 -> r4, which has neither */
	load(&t, BOTH, drop);
	d = plan(&t, R14, R14_REQ);
	p = get(d, "te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "state"), "down");
	ck_assert_str_eq(str(p, "reason"), "path r1-r2-r4 cannot be encoded: SRv6: r2:et2 has no "
					   "End.X SID; SR-MPLS: r2:et2 has no adjacency label");
	ck_assert_ptr_null(get(d, "rib/r1/te/r1-to-r4"));
	ck_assert_ptr_null(get(d, "rib/r1/protect/r1:et2"));
	json_decref(d);
	ted_free(&t);

	/* SR-MPLS only: SRv6 fails at the tail (no locator, no decapsulation SID) */
	load(&t, MPLS_ONLY, drop);
	d = plan(&t, R14, R14_REQ);
	p = get(d, "te/paths/r1-to-r4");
	ck_assert_str_eq(str(p, "state"), "down");
	ck_assert_str_eq(str(p, "reason"), "path r1-r2-r4 cannot be encoded: SRv6: tail r4 "
					   "advertises no End.DX4 or End.DT6 SID; SR-MPLS: r2:et2 "
					   "has no adjacency label");
	json_decref(d);
	ted_free(&t);
}
END_TEST

/* A TED that could do both encodes every value exactly as the SRv6-only TED does, and
 * that is the byte layout test_ctl_plan pins. */
START_TEST(srv6_bytes_unchanged)
{
	ted_t a, b;
	json_t *da, *db;
	char *sa, *sb;
	const json_t *tun;

	load(&a, SRV6_ONLY, NULL);
	load(&b, BOTH, NULL);
	ck_assert_uint_gt(b.n_labels_total, 0);
	ck_assert_uint_eq(a.n_labels_total, 0);
	da = plan(&a, R14, R14_REQ);
	db = plan(&b, R14, R14_REQ);
	sa = jx_dumps(da);
	sb = jx_dumps(db);
	ck_assert_str_eq(sa, sb);
	ck_assert_ptr_null(strstr(sa, "\"labels\""));
	ck_assert_ptr_null(strstr(sa, "\"mpls\""));
	tun = get(da, "rib/r1/te/r1-to-r4");
	ck_assert_str_eq(text(tun, ""),
		"{\"backup\":{\"first_hop\":{\"address\":\"100.65.0.7\",\"interface\":\"et3\","
		"\"neighbor\":\"r3\"},\"link\":\"r1:et2\",\"segments\":["
		"\"fc00:0:3:e002::\",\"fc00:0:2:d6::\"]},\"bandwidth\":200000000,\"dataplane\":"
		"\"srv6\",\"destinations\":[\"192.168.50.4/32\",\"fc00:0:4::1/128\"],"
		"\"first_hop\":{\"address\":\"100.65.0.3\",\"interface\":\"et2\",\"neighbor\":"
		"\"r2\"},\"lsp\":\"r1-to-r4\",\"metric\":128,\"path\":[\"r1\",\"r2\",\"r4\"],"
		"\"segments\":[\"fc00:0:2:e002::\",\"fc00:0:4:d4::\"],"
		"\"to\":\"r4\"}");
	free(sa);
	free(sb);
	json_decref(da);
	json_decref(db);
	ted_free(&a);
	ted_free(&b);
}
END_TEST

/* The builders directly: a bypass that can only be SR-MPLS, a primary that falls back,
 * and an MPLS bypass backing an SRv6 primary (the head end pushes the bypass only). */
START_TEST(builders_direct)
{
	ted_t t;
	struct cspf_ws *ws = cspf_ws_new();
	struct cspf_result r = { 0 };
	struct encode_bypass b;
	struct encode_lsp e;
	char reason[ENCODE_REASON_LEN];
	uint32_t l12, l24, r1, r2, r4;
	json_t *v, *lsps;

	load(&t, MPLS_ONLY, NULL);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	r4 = ted_node_find(&t, "r4");
	l12 = ted_link_between(&t, r1, r2);
	l24 = ted_link_between(&t, r2, r4);
	ck_assert_uint_ne(l12, TED_NONE);
	ck_assert_uint_ne(l24, TED_NONE);
	ck_assert_int_eq(cspf_bypass(&t, l12, ws, &r), 0);
	ck_assert(r.found);
	ck_assert_int_eq(encode_bypass_make(&t, l12, &r, &b), 0);
	ck_assert(b.ok);
	ck_assert_int_eq(b.dataplane, ENCODE_MPLS);
	ck_assert_ptr_null(b.segments);
	ck_assert_str_eq(text(b.labels, ""), "[24032]");
	v = encode_bypass_entry(&t, &b);
	ck_assert_str_eq(str(v, "dataplane"), "mpls");
	json_decref(v);

	/* a hand-made primary r1 -> r2 -> r4 */
	uint32_t links[2] = { l12, l24 };
	struct cspf_path p = { .n = 2, .cap = 2, .links = links };

	ck_assert_int_eq(encode_lsp_make(&t, &p, &e, reason, sizeof(reason)), 0);
	ck_assert_int_eq(e.dataplane, ENCODE_MPLS);
	ck_assert_ptr_null(e.segments);
	ck_assert_str_eq(text(e.labels, ""), "[24024]");
	v = encode_tunnel(&t, "x", &p, &e, &b, 0, 20);
	ck_assert_str_eq(text(v, "backup"), "{\"first_hop\":{\"address\":\"100.65.0.7\","
					    "\"interface\":\"et3\",\"neighbor\":\"r3\"},"
					    "\"labels\":[24032,24024],\"link\":\"r1:et2\"}");
	json_decref(v);
	encode_lsp_clear(&e);
	ck_assert_ptr_null(e.labels);
	encode_bypass_clear(&b);
	ck_assert(!b.ok);
	ck_assert_ptr_null(b.labels);
	cspf_result_free(&r);
	ted_free(&t);

	/* SRv6 primary, MPLS-only bypass (r3 has no End.X SIDs, only labels) */
	load(&t, BOTH, NULL);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	l12 = ted_link_between(&t, r1, r2);
	l24 = ted_link_between(&t, r2, ted_node_find(&t, "r4"));
	links[0] = l12;
	links[1] = l24;
	ck_assert_int_eq(encode_lsp_make(&t, &p, &e, reason, sizeof(reason)), 0);
	ck_assert_int_eq(e.dataplane, ENCODE_SRV6);
	ck_assert_ptr_null(e.labels);
	/* a fake MPLS bypass of r1:et2 to combine with it */
	memset(&b, 0, sizeof(b));
	b.ok = true;
	b.link = l12;
	b.merge_point = r2;
	b.dataplane = ENCODE_MPLS;
	b.labels = json_pack("[i]", 24032);
	b.first_hop = json_pack("{s:s, s:s}", "interface", "et3", "address", "100.65.0.7");
	b.nodes = json_pack("[s,s,s]", "r1", "r3", "r2");
	v = encode_tunnel(&t, "x", &p, &e, &b, 0, 20);
	ck_assert_str_eq(str(v, "dataplane"), "srv6");
	ck_assert_str_eq(text(json_object_get(v, "backup"), "labels"), "[24032]");
	ck_assert_ptr_null(json_object_get(json_object_get(v, "backup"), "segments"));
	json_decref(v);
	lsps = json_pack("[s]", "x");
	v = encode_protect(&t, &b, lsps);
	json_decref(lsps);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(str(v, "dataplane"), "mpls");
	ck_assert_str_eq(text(v, "labels"), "[24032]");
	json_decref(v);
	encode_bypass_clear(&b);
	encode_lsp_clear(&e);
	ted_free(&t);
	cspf_ws_free(ws);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("encode_mpls");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mpls_tunnel_backup_and_bypasses);
	tcase_add_test(tc, mpls_one_link_path);
	tcase_add_test(tc, mixed_link_lacking_both);
	tcase_add_test(tc, srv6_bytes_unchanged);
	tcase_add_test(tc, builders_direct);
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
