/* test_kvtectl_show — Check suite for kvtectl's pure formatting core (cli/show.h).
 *
 * A recorded etcd state of the seed lab (tests/data/kvtectl/seed-state.json, with a
 * few hand-added BGP, static, agent and bad values; its README says which) is loaded
 * into a cli_state, and every show command's text and --json output is compared with
 * tests/golden/kvtectl/<name> (KVTE_UPDATE_GOLDEN=1 rewrites them; review the diff).
 * Beyond the goldens: specific facts are asserted in the text (r1's route to r4's
 * loopback via r2 with metric 128, the tunnel and its bypass, the invalid values shown
 * as such), every --json output parses, and every stored value it lists validates
 * against its schema (tests/schemas/validate.py, /usr/bin/python3 + jsonschema);
 * unknown nodes and LSPs give the documented errors; `lsp add` flags build the
 * expected value and rejects what validate_lsp_request rejects; watch lines; and a
 * state where every family holds garbage is shown without crashing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/show.h"
#include "tests/support/isis_golden.h"

static struct cli_state st;

static void load_state(void)
{
	char path[4096];
	jx_ctx jc;
	json_t *obj;

	snprintf(path, sizeof(path), "%s/tests/data/kvtectl/seed-state.json", isis_test_src_dir());
	jx_init(&jc, path);
	obj = jx_load_file(&jc, path);
	ck_assert_msg(obj != NULL, "%s", jc.err);
	ck_assert_int_eq(cli_state_init(&st, NULL), 0);
	ck_assert_int_eq(cli_state_add_object(&st, obj), 0);
	cli_state_sort(&st);
	json_decref(obj);
}

static void unload_state(void)
{
	cli_state_free(&st);
}

typedef int (*show_fn)(FILE *, const struct cli_state *, const struct show_opts *, char *,
		       size_t);

/* run fn into a string; asserts the return code */
static char *run(show_fn fn, const struct cli_state *s, const char *name, bool detail,
		 bool json, int want_rc, char *err, size_t errlen)
{
	struct show_opts o = { .name = name, .detail = detail, .json = json };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	ck_assert_ptr_nonnull(f);
	rc = fn(f, s, &o, err, errlen);
	fclose(f);
	ck_assert_int_eq(rc, want_rc);
	return text;
}

static void check_golden(const char *name, const char *text)
{
	char path[4096];
	char *want;

	snprintf(path, sizeof(path), "%s/tests/golden/kvtectl/%s", isis_test_src_dir(), name);
	if (isis_test_updating()) {
		isis_test_write_file(path, text, strlen(text));
		return;
	}
	want = isis_test_read_file(path);
	ck_assert_msg(strcmp(want, text) == 0, "%s differs from the golden file; got:\n%s", name,
		      text);
	free(want);
}

static char *show_golden(const char *golden, show_fn fn, const char *name, bool detail,
			 bool json)
{
	char err[CLI_ERR_LEN] = "";
	char *text = run(fn, &st, name, detail, json, 0, err, sizeof(err));

	check_golden(golden, text);
	return text;
}

/* Validate each element of doc[field] (an array, or one value) against family. */
static int validate_list(const json_t *list, const char *family)
{
	char dir[] = "/tmp/kvtectl-json-XXXXXX";
	size_t i, cap = 65536, len;
	char *cmd = malloc(cap);
	json_t *v;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(cmd);
	len = (size_t)snprintf(cmd, cap, "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas %s",
			       isis_test_src_dir(), isis_test_src_dir(), family);
	ck_assert_msg(json_array_size(list) > 0, "nothing to validate for %s", family);
	json_array_foreach(list, i, v) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%zu.json", dir, i);
		ck_assert_int_eq(json_dump_file(v, path, 0), 0);
		len += (size_t)snprintf(cmd + len, cap - len, " %s", path);
	}
	snprintf(cmd + len, cap - len, " >&2");
	rc = system(cmd);
	snprintf(cmd, cap, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	return rc;
}

static json_t *parse_json(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	ck_assert_msg(v != NULL, "--json output is not JSON: %s (line %d)", e.text, e.line);
	return v;
}

/* ---- text goldens ---- */

START_TEST(isis_database)
{
	char *t = show_golden("isis-database.txt", show_isis_database, NULL, false, false);

	ck_assert_ptr_nonnull(strstr(t, "IS-IS Level-2 link state database:"));
	ck_assert_ptr_nonnull(strstr(t, "r1.00-00"));
	ck_assert_ptr_nonnull(strstr(t, "0x00000003  0x38dc"));
	ck_assert_ptr_nonnull(strstr(t, "  5 LSPs"));
	free(t);
	t = show_golden("isis-database-r1-detail.txt", show_isis_database, "r1", true, false);
	ck_assert_ptr_nonnull(strstr(t, "Hostname:     r1"));
	ck_assert_ptr_nonnull(strstr(t, "IS-Extended r2.00"));
	ck_assert_ptr_nonnull(strstr(t, "SRv6 Locator fc00:0:1::/48"));
	ck_assert_ptr_nonnull(strstr(t, "SRv6 End.X SID fc00:0:1:e001::"));
	ck_assert_ptr_null(strstr(t, "r2.00-00"));
	free(t);
}
END_TEST

START_TEST(isis_neighbors)
{
	char *t = show_golden("isis-neighbors.txt", show_isis_neighbors, NULL, false, false);

	ck_assert_ptr_nonnull(strstr(t, "r3    et4        r4"));
	free(t);
	t = show_golden("isis-neighbors-r2.txt", show_isis_neighbors, "r2", false, false);
	ck_assert_ptr_null(strstr(t, "\nr1 "));
	ck_assert_ptr_nonnull(strstr(t, "r2    et1        r1"));
	free(t);
}
END_TEST

START_TEST(ted)
{
	char *t = show_golden("ted.txt", show_ted, NULL, false, false);

	ck_assert_ptr_nonnull(strstr(t, "Nodes (5):"));
	ck_assert_ptr_nonnull(strstr(t, "Links (14):"));
	/* r1 -> r2 carries the 200M reservation of r1-to-r4 */
	ck_assert_ptr_nonnull(strstr(t, "r1-to-r4 200M@4"));
	free(t);
}
END_TEST

START_TEST(route)
{
	char *t = show_golden("route-r1.txt", show_route, "r1", false, false);

	ck_assert_ptr_nonnull(strstr(t, "### r1 routes ###"));
	ck_assert_ptr_nonnull(strstr(t, "192.168.50.4/32\n\t*[TE/7] to fe80::bca8:76ff:fe13:e440 via et2 (r2), lsp r1-to-r4 (protected)\n"
					 "\t [IS-IS/18] L2 metric 128, to 100.65.0.3 via et2 (r2)\n"));
	ck_assert_ptr_nonnull(strstr(t, "[BGP/170] (pnh: 192.168.50.4) to fe80::bca8:76ff:fe13:e440 via et2 (r2), lsp r1-to-r4"));
	ck_assert_ptr_nonnull(strstr(t, "rib/r1/isis/10.0.0.0_8 (invalid value: metric: expected an integer, got \"twenty\")"));
	ck_assert_ptr_nonnull(strstr(t, "[Static/5] to 100.65.0.1 via et1"));
	ck_assert_ptr_nonnull(strstr(t, "FIB agent (state/r1/agent): revision 53, connected"));
	ck_assert_ptr_nonnull(strstr(t, "r1:et2\n\t[TE] link bypass to r2, path r1 r3 r2"));
	free(t);
	t = show_golden("route-r4.txt", show_route, "r4", false, false);
	ck_assert_ptr_nonnull(strstr(t, "[BGP/170] (pnh: 100.65.0.17) from AS65003 100.65.0.17"));
	ck_assert_ptr_nonnull(strstr(t, "FIB agent: no state/r4/agent"));
	free(t);
}
END_TEST

START_TEST(lsp)
{
	char *t = show_golden("lsp.txt", show_lsp, NULL, false, false);

	ck_assert_ptr_nonnull(strstr(t, "r1-to-r4: up since 2026-12-06T21:00:47.705Z"));
	ck_assert_ptr_nonnull(strstr(t, "  path: r1 -[r1:et2]-> r2 -[r2:et2]-> r4\n"));
	ck_assert_ptr_nonnull(strstr(t, "bypass r1:et2 at r1 merging at r2: up, path r1 r3 r2"));
	ck_assert_ptr_nonnull(strstr(t, "bypass r1:et2 at r1 around r2 merging at r4: up, path r1 r3 r5 r4"));
	ck_assert_ptr_nonnull(strstr(t, "  make-before-break, still reserved: r1 -[r1:et3]-> r3"));
	ck_assert_ptr_nonnull(strstr(t, "fast-lane: invalid since"));
	ck_assert_ptr_nonnull(strstr(t, "te/paths/garbled (invalid value:"));
	free(t);
	t = show_golden("lsp-r4-to-r1.txt", show_lsp, "r4-to-r1", false, false);
	ck_assert_ptr_null(strstr(t, "r1-to-r4"));
	free(t);
}
END_TEST

START_TEST(bgp)
{
	char *t = show_golden("bgp.txt", show_bgp, NULL, false, false);

	ck_assert_ptr_nonnull(strstr(t, "10.42.2.0/24   r4"));
	ck_assert_ptr_nonnull(strstr(t, "2 routes"));
	free(t);
}
END_TEST

START_TEST(graph)
{
	char err[CLI_ERR_LEN] = "", *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);

	ck_assert_int_eq(show_graph(f, &st, err, sizeof(err)), 0);
	fclose(f);
	check_golden("graph.dot", t);
	ck_assert_ptr_nonnull(strstr(t, "digraph kvte {"));
	ck_assert_ptr_nonnull(strstr(t, "\"r1\" -> \"r2\" [dir=none, color=gray50, label=\"r1:et2 te 51 20%\\nr2:et1 te 51 0%\"];"));
	ck_assert_ptr_nonnull(strstr(t, "style=dashed, label=\"bypass r1:et2\""));
	ck_assert_ptr_nonnull(strstr(t, "// fast-lane: invalid"));
	free(t);
}
END_TEST

/* ---- --json ---- */

START_TEST(json_outputs)
{
	struct { const char *golden; show_fn fn; const char *name; const char *field, *family; } c[] = {
		{ "isis-database.json", show_isis_database, NULL, "lsps", "ted-lsp" },
		{ "isis-neighbors.json", show_isis_neighbors, NULL, "speakers", "speaker" },
		{ "ted.json", show_ted, NULL, "reservations", "te-link" },
		{ "route-r1.json", show_route, "r1", "inet.3", "rib-te-tunnel" },
		{ "lsp.json", show_lsp, NULL, "paths", "te-path" },
		{ "bgp.json", show_bgp, NULL, "routes", "bgp-route" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *t = show_golden(c[i].golden, c[i].fn, c[i].name, false, true);
		json_t *doc = parse_json(t);

		ck_assert_msg(validate_list(json_object_get(doc, c[i].field), c[i].family) == 0,
			      "%s: %s values do not validate as %s", c[i].golden, c[i].field,
			      c[i].family);
		json_decref(doc);
		free(t);
	}
}
END_TEST

START_TEST(json_route_parts)
{
	char err[CLI_ERR_LEN] = "";
	char *t = run(show_route, &st, "r1", false, true, 0, err, sizeof(err));
	json_t *doc = parse_json(t), *inet0 = json_object_get(doc, "inet.0");
	json_t *isis = json_array(), *agent = json_array(), *e;
	size_t i, active = 0;

	ck_assert_int_eq(validate_list(json_object_get(doc, "sids"), "rib-sid"), 0);
	ck_assert_int_eq(validate_list(json_object_get(doc, "protect"), "rib-protect"), 0);
	json_array_append(agent, json_object_get(doc, "agent"));
	ck_assert_int_eq(validate_list(agent, "agent-state"), 0);
	json_array_foreach(inet0, i, e) {
		if (!strcmp(cli_str(e, "source", ""), "isis"))
			json_array_append(isis, json_object_get(e, "value"));
		if (json_is_true(json_object_get(e, "active")))
			active++;
	}
	ck_assert_int_eq(json_array_size(isis), 17);
	ck_assert_int_eq(validate_list(isis, "rib-isis-route"), 0);
	ck_assert_uint_gt(active, 17);
	ck_assert_str_eq(cli_str(json_array_get(json_object_get(doc, "invalid"), 0), "key", ""),
			 "rib/r1/isis/10.0.0.0_8");
	/* a value that breaks its schema must fail the validator (the check is real) */
	json_array_clear(isis);
	json_array_append_new(isis, json_pack("{s:s,s:s}", "prefix", "10.0.0.0/8", "metric", "x"));
	ck_assert_int_ne(validate_list(isis, "rib-isis-route"), 0);
	json_decref(isis), json_decref(agent), json_decref(doc);
	free(t);
}
END_TEST

/* ---- errors ---- */

START_TEST(unknown_names)
{
	char err[CLI_ERR_LEN] = "";
	char *t = run(show_lsp, &st, "r9-to-r1", false, false, -ENOENT, err, sizeof(err));

	ck_assert_str_eq(err, "no LSP named r9-to-r1 (te/paths/r9-to-r1 does not exist)");
	ck_assert_str_eq(t, "");
	free(t);
	t = run(show_route, &st, "r9", false, false, -ENOENT, err, sizeof(err));
	ck_assert_str_eq(err, "no node named r9 (speakers/r9 does not exist, no LSP has "
			      "hostname r9, nothing under rib/r9/)");
	free(t);
	t = run(show_isis_database, &st, "r9", false, false, -ENOENT, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "no node named r9"));
	free(t);
	t = run(show_isis_neighbors, &st, "r9", false, true, -ENOENT, err, sizeof(err));
	free(t);
}
END_TEST

/* every family holding garbage, a wrong type, or a value that names another key */
START_TEST(garbage_never_crashes)
{
	static const char *const vals[] = { "", "not json", "[1,2]", "{}", "{\"prefix\":5}",
		"{\"lsp\":7,\"state\":[],\"since\":{}}", "{\"lsp_id\":\"x\",\"level\":2,\"seq\":1,"
		"\"checksum\":\"0x0000\",\"remaining_lifetime\":1,\"flags\":{},\"is_reach\":5}",
		"{\"node\":\"r1\",\"system_id\":\"x\",\"started\":\"t\",\"adjacencies\":[5,null]}" };
	static const char *const keys[] = { "config/lsps/r1-x", "config/admin-groups",
		"config/static/r1/10.0.0.0_8", "ted/lsp/1921.6805.0001.00-00", "speakers/r1",
		"rib/r1/isis/10.0.0.0_8", "rib/r1/sid/fc00::", "rib/r1/te/x", "rib/r1/protect/r1:et1",
		"te/paths/x", "te/links/r1:et1", "te/leader", "bgp/routes/10.0.0.0_8/r1",
		"state/r1/agent", "not/a/family" };

	for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
		struct cli_state s;
		char err[CLI_ERR_LEN], *t;
		show_fn fns[] = { show_isis_database, show_isis_neighbors, show_ted, show_route,
				  show_lsp, show_bgp };

		ck_assert_int_eq(cli_state_init(&s, NULL), 0);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			char full[256];

			snprintf(full, sizeof(full), "/kvte/%s", keys[k]);
			ck_assert_int_eq(cli_state_add(&s, full, strlen(full), vals[v], strlen(vals[v])), 0);
		}
		cli_state_sort(&s);
		for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++)
			for (int json = 0; json < 2; json++) {
				t = run(fns[f], &s, f == 3 ? "r1" : NULL, true, json, 0, err, sizeof(err));
				if (json)
					json_decref(parse_json(t));
				free(t);
			}
		t = NULL;
		{
			size_t len = 0;
			FILE *f = open_memstream(&t, &len);

			ck_assert_int_eq(show_graph(f, &s, err, sizeof(err)), 0);
			fclose(f);
		}
		free(t);
		/* a bad value is named as such in the route table */
		t = run(show_route, &s, "r1", false, false, 0, err, sizeof(err));
		ck_assert_ptr_nonnull(strstr(t, "rib/r1/isis/10.0.0.0_8 (invalid value: "));
		free(t);
		cli_state_free(&s);
	}
}
END_TEST

/* ---- lsp add ---- */

static int build(const char *line, json_t **out, bool *replace, char *err, size_t errlen)
{
	char *copy = strdup(line), *argv[64], *save = NULL, *tok;
	int argc = 0, rc;

	for (tok = strtok_r(copy, " ", &save); tok && argc < 64; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	rc = lsp_args_build(argc, argv, out, replace, err, errlen);
	free(copy);
	return rc;
}

START_TEST(lsp_add_args)
{
	char err[CLI_ERR_LEN] = "";
	bool replace;
	json_t *v;
	char *text;

	ck_assert_int_eq(build("--from r1 --to r4 --bandwidth 200M --setup 4 --hold=3 --metric delay "
			       "--exclude red,blue --avoid-node r3 --max-hops 4 --max-delay-us 200000 "
			       "--explicit r2,r5:loose --protection link --diverse-from r4-to-r1",
			       &v, &replace, err, sizeof(err)), 0);
	text = jx_dumps(v);
	ck_assert_str_eq(text, "{\"avoid_nodes\":[\"r3\"],\"bandwidth\":\"200M\",\"diverse_from\":\"r4-to-r1\","
			       "\"exclude\":[\"red\",\"blue\"],\"explicit_hops\":[{\"node\":\"r2\"},"
			       "{\"node\":\"r5\",\"type\":\"loose\"}],\"from\":\"r1\",\"hold_priority\":3,"
			       "\"max_delay_us\":200000,\"max_hops\":4,\"metric\":\"delay\","
			       "\"protection\":\"link\",\"setup_priority\":4,\"to\":\"r4\"}");
	ck_assert(!replace);
	free(text);
	json_decref(v);

	ck_assert_int_eq(build("--from r1 --to r4 --setup 3 --hold 5", &v, &replace, err,
			       sizeof(err)), -EDOM);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(err, "hold_priority: must be <= setup_priority (3), got 5"));
	ck_assert_int_eq(build("--from r1 --to r4 --bandwidth fast", &v, &replace, err,
			       sizeof(err)), -EDOM);
	ck_assert_ptr_nonnull(strstr(err, "bandwidth"));
	ck_assert_int_eq(build("--from r1 --to r4 --setup high", &v, &replace, err,
			       sizeof(err)), -EDOM);
	ck_assert_ptr_nonnull(strstr(err, "setup_priority"));
	ck_assert_int_eq(build("--to r4", &v, &replace, err, sizeof(err)), -EDOM);
	ck_assert_ptr_nonnull(strstr(err, "from"));
	ck_assert_int_eq(build("--from r1 --to r4 --bandwith 1G", &v, &replace, err,
			       sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown option --bandwith");
	ck_assert_int_eq(build("--from r1 --to", &v, &replace, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "option --to needs a value");
	ck_assert_int_eq(build("--from r1 --to r4 --replace", &v, &replace, err, sizeof(err)), 0);
	ck_assert(replace);
	json_decref(v);
}
END_TEST

/* ---- watch lines ---- */

START_TEST(watch_lines)
{
	const struct cli_entry *e;
	char *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);
	const char *const keys[] = { "/kvte/te/paths/r1-to-r4", "/kvte/te/paths/fast-lane",
		"/kvte/rib/r1/isis/192.168.50.4_32", "/kvte/speakers/r1", "/kvte/te/links/r1:et2",
		"/kvte/ted/lsp/1921.6805.0004.00-00", "/kvte/config/lsps/r1-to-r4",
		"/kvte/rib/r1/te/r1-to-r4", "/kvte/te/leader", "/kvte/lab/started",
		"/kvte/te/paths/garbled" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		e = cli_state_get(&st, keys[i]);
		ck_assert_msg(e != NULL, "%s not in the state", keys[i]);
		watch_format(f, &st.keys, "12:00:01.234", false, e->key, strlen(e->key), e->raw,
			     e->raw_len);
	}
	watch_format(f, &st.keys, "12:00:02.000", true, keys[0], strlen(keys[0]), NULL, 0);
	fclose(f);
	check_golden("watch.txt", t);
	ck_assert_ptr_nonnull(strstr(t, "12:00:01.234 PUT te/paths/r1-to-r4 state up path r1 r2 r4 metric 128 bypasses 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "12:00:02.000 DEL te/paths/r1-to-r4\n"));
	ck_assert_ptr_nonnull(strstr(t, "PUT te/paths/garbled (invalid value: "));
	free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kvtectl_show");
	TCase *tc = tcase_create("show");

	tcase_add_checked_fixture(tc, load_state, unload_state);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, isis_database);
	tcase_add_test(tc, isis_neighbors);
	tcase_add_test(tc, ted);
	tcase_add_test(tc, route);
	tcase_add_test(tc, lsp);
	tcase_add_test(tc, bgp);
	tcase_add_test(tc, graph);
	tcase_add_test(tc, json_outputs);
	tcase_add_test(tc, json_route_parts);
	tcase_add_test(tc, unknown_names);
	tcase_add_test(tc, garbage_never_crashes);
	tcase_add_test(tc, lsp_add_args);
	tcase_add_test(tc, watch_lines);
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
	return failed ? 1 : 0;
}
