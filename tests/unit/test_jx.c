/* test_jx — Check suite for lib/jx.c: path rendering, the exact error messages of
 * every typed getter for good, absent, null, mistyped and out-of-range values, the
 * sticky first error, unknown-field detection, parsing text and files (with
 * jansson's line:column), and stable serialisation. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/jx.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	ck_assert_msg(v != NULL, "test JSON does not parse: %s: %s", text, e.text);
	return v;
}

static const char *const modes[] = { "te", "igp", "delay", NULL };

START_TEST(path_rendering)
{
	jx_ctx c;
	size_t m0, m1, m2, m3;

	jx_init(&c, "r1.json");
	ck_assert_str_eq(c.path, "");
	ck_assert_uint_eq(c.path_len, 0);
	m0 = jx_push_field(&c, "interfaces");
	m1 = jx_push_index(&c, 2);
	m2 = jx_push_field(&c, "te");
	m3 = jx_push_field(&c, "bandwidth");
	ck_assert_str_eq(c.path, "interfaces[2].te.bandwidth");
	ck_assert_uint_eq(c.path_len, strlen(c.path));
	jx_pop(&c, m3);
	ck_assert_str_eq(c.path, "interfaces[2].te");
	jx_pop(&c, m2);
	ck_assert_str_eq(c.path, "interfaces[2]");
	jx_pop(&c, m1);
	ck_assert_str_eq(c.path, "interfaces");
	jx_pop(&c, m0);
	ck_assert_str_eq(c.path, "");
	ck_assert_uint_eq(c.path_len, 0);

	/* An array at the root, and nested arrays. */
	jx_push_index(&c, 0);
	jx_push_index(&c, 17);
	jx_push_field(&c, "a");
	ck_assert_str_eq(c.path, "[0][17].a");
	jx_pop(&c, 999); /* a mark from nowhere is ignored */
	ck_assert_str_eq(c.path, "[0][17].a");
}
END_TEST

/* Names that would make the path ambiguous are shown as ["name"]. */
START_TEST(path_odd_names)
{
	jx_ctx c;
	size_t m;

	jx_init(&c, NULL);
	jx_push_field(&c, "routes");
	m = jx_push_field(&c, "10.0.0.0/24");
	jx_push_field(&c, "next-hop");
	ck_assert_str_eq(c.path, "routes[\"10.0.0.0/24\"].next-hop");
	jx_pop(&c, m);
	jx_push_field(&c, "a\"b\nc");
	ck_assert_str_eq(c.path, "routes[\"a\\\"b\\nc\"]");
	jx_pop(&c, m);
	jx_push_field(&c, "");
	ck_assert_str_eq(c.path, "routes[\"\"]");
	jx_pop(&c, m);
	jx_push_field(&c, NULL);
	ck_assert_str_eq(c.path, "routes[\"\"]");
	jx_pop(&c, m);
	jx_push_field(&c, "r1");
	ck_assert_str_eq(c.path, "routes.r1");
}
END_TEST

START_TEST(path_overflow)
{
	jx_ctx c;
	size_t marks[200];

	jx_init(&c, "x");
	for (int i = 0; i < 200; i++)
		marks[i] = i % 2 ? jx_push_index(&c, 123456789) : jx_push_field(&c, "abcdefgh");
	ck_assert_uint_eq(c.path_len, sizeof(c.path) - 1);
	ck_assert_uint_eq(strlen(c.path), c.path_len);
	for (int i = 199; i >= 0; i--) {
		jx_pop(&c, marks[i]);
		ck_assert_uint_eq(strlen(c.path), c.path_len);
	}
	ck_assert_str_eq(c.path, "");
	jx_fail(&c, "deep");
	ck_assert_str_eq(c.err, "x: (root): deep");
}
END_TEST

START_TEST(fail_format_and_sticky)
{
	jx_ctx c;

	jx_init(&c, "r1.json");
	ck_assert(!c.failed);
	ck_assert_str_eq(c.err, "");
	ck_assert(!jx_fail(&c, "top-level %s", "problem"));
	ck_assert(c.failed);
	ck_assert_str_eq(c.err, "r1.json: (root): top-level problem");
	ck_assert(!jx_fail(&c, "second"));
	ck_assert_str_eq(c.err, "r1.json: (root): top-level problem");

	jx_init(&c, NULL);
	jx_push_field(&c, "node");
	ck_assert(!jx_fail_field(&c, "name", "bad %d", 7));
	ck_assert_str_eq(c.err, "node.name: bad 7");
	ck_assert_str_eq(c.path, "node"); /* fail_field leaves the path as it was */
	ck_assert(!jx_fail_field(&c, "other", "ignored"));
	ck_assert_str_eq(c.err, "node.name: bad 7");

	/* A huge reason is cut, never overflows. */
	char big[2000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jx_init(&c, "s");
	jx_fail(&c, "%s", big);
	ck_assert(c.failed);
	ck_assert_uint_eq(strlen(c.err), sizeof(c.err) - 1);
	ck_assert(strncmp(c.err, "s: (root): zzz", 14) == 0);
	ck_assert(!jx_fail(NULL, "no context"));
}
END_TEST

START_TEST(describe_values)
{
	char buf[64];
	json_t *v;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "[\"abc\"]", "\"abc\"" },
		{ "[12]", "12" },
		{ "[-9223372036854775808]", "-9223372036854775808" },
		{ "[1.0]", "1.0" },
		{ "[1.5]", "1.5" },
		{ "[0.1]", "0.1" },
		{ "[1e20]", "1e+20" },
		{ "[true]", "true" },
		{ "[false]", "false" },
		{ "[null]", "null" },
		{ "[{}]", "an object" },
		{ "[[]]", "an array" },
		{ "[\"a\\\"b\\\\c\\n\\t\\u0001\"]", "\"a\\\"b\\\\c\\n\\t\\u0001\"" },
		{ "[\"caf\\u00e9\"]", "\"caf\xc3\xa9\"" },
		{ "[\"\"]", "\"\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = parse(cases[i].json);
		ck_assert_str_eq(jx_describe(json_array_get(v, 0), buf, sizeof(buf)),
				 cases[i].want);
		json_decref(v);
	}
	ck_assert_str_eq(jx_describe(NULL, buf, sizeof(buf)), "nothing");

	/* Long strings are cut at 40 bytes of content, never inside a UTF-8 character. */
	v = json_string("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ck_assert_str_eq(jx_describe(v, buf, sizeof(buf)),
			 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
	json_decref(v);
	v = json_string("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzz");
	ck_assert_str_eq(jx_describe(v, buf, sizeof(buf)),
			 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
	/* Small buffers: cut, terminated, and quoted. */
	char tiny[8];
	ck_assert_str_eq(jx_describe(v, tiny, sizeof(tiny)), "\"aa...\"");
	ck_assert_str_eq(jx_describe(v, tiny, 2), "");
	json_decref(v);
	v = json_stringn("a\0b", 3);
	ck_assert_str_eq(jx_describe(v, buf, sizeof(buf)), "\"a\\u0000b\"");
	json_decref(v);
}
END_TEST

START_TEST(get_string)
{
	json_t *o = parse("{\"name\":\"r1\",\"n\":12,\"nul\":null,\"obj\":{}}");
	const char *s = "untouched";
	jx_ctx c;

	jx_init(&c, "r1.json");
	ck_assert(jx_get_string(&c, o, "name", true, &s));
	ck_assert_str_eq(s, "r1");
	s = "untouched";
	ck_assert(jx_get_string(&c, o, "absent", false, &s));
	ck_assert(jx_get_string(&c, o, "nul", false, &s)); /* null = absent */
	ck_assert_str_eq(s, "untouched");
	ck_assert(!c.failed);

	ck_assert(!jx_get_string(&c, o, "absent", true, &s));
	ck_assert_str_eq(c.err, "r1.json: absent: missing");

	jx_init(&c, "r1.json");
	ck_assert(!jx_get_string(&c, o, "n", true, &s));
	ck_assert_str_eq(c.err, "r1.json: n: expected a string, got 12");

	jx_init(&c, "r1.json");
	ck_assert(!jx_get_string(&c, o, "nul", true, &s));
	ck_assert_str_eq(c.err, "r1.json: nul: expected a string, got null");

	jx_init(&c, "r1.json");
	ck_assert(!jx_get_string(&c, o, "obj", false, &s));
	ck_assert_str_eq(c.err, "r1.json: obj: expected a string, got an object");
	ck_assert_str_eq(s, "untouched");

	/* A string with a NUL inside would be silently cut by C code: refused. */
	json_object_set_new(o, "cut", json_stringn("r1\0evil", 7));
	jx_init(&c, NULL);
	ck_assert(!jx_get_string(&c, o, "cut", true, &s));
	ck_assert_str_eq(c.err, "cut: expected a string without NUL characters, got "
				"\"r1\\u0000evil\"");
	ck_assert_str_eq(s, "untouched");
	json_decref(o);
}
END_TEST

START_TEST(get_int)
{
	json_t *o = parse("{\"m\":10,\"s\":\"abc\",\"r\":1.0,\"r2\":2.5,\"lo\":0,"
			  "\"hi\":16777216,\"b\":true,\"big\":9223372036854775807,"
			  "\"neg\":-5,\"num\":\"10\",\"a\":[1]}");
	int64_t v = -1;
	jx_ctx c;
	static const struct {
		const char *field, *err;
	} bad[] = {
		{ "s", "r1.json: interfaces[2].s: expected an integer 1..16777215, got \"abc\"" },
		{ "r", "r1.json: interfaces[2].r: expected an integer 1..16777215, got 1.0" },
		{ "r2", "r1.json: interfaces[2].r2: expected an integer 1..16777215, got 2.5" },
		{ "lo", "r1.json: interfaces[2].lo: expected an integer 1..16777215, got 0" },
		{ "hi", "r1.json: interfaces[2].hi: expected an integer 1..16777215, got 16777216" },
		{ "b", "r1.json: interfaces[2].b: expected an integer 1..16777215, got true" },
		{ "big", "r1.json: interfaces[2].big: expected an integer 1..16777215, got "
			 "9223372036854775807" },
		{ "neg", "r1.json: interfaces[2].neg: expected an integer 1..16777215, got -5" },
		{ "num", "r1.json: interfaces[2].num: expected an integer 1..16777215, got \"10\"" },
		{ "a", "r1.json: interfaces[2].a: expected an integer 1..16777215, got an array" },
		{ "x", "r1.json: interfaces[2].x: missing" },
	};

	jx_init(&c, "r1.json");
	ck_assert(jx_get_int(&c, o, "m", true, 1, 16777215, &v));
	ck_assert_int_eq(v, 10);
	ck_assert(jx_get_int(&c, o, "m", true, 10, 10, &v)); /* bounds are inclusive */
	ck_assert(jx_get_int(&c, o, "big", true, INT64_MIN, INT64_MAX, &v));
	ck_assert(v == INT64_MAX);
	v = 77;
	ck_assert(jx_get_int(&c, o, "x", false, 1, 2, &v));
	ck_assert_int_eq(v, 77);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jx_init(&c, "r1.json");
		jx_push_field(&c, "interfaces");
		jx_push_index(&c, 2);
		v = 77;
		ck_assert(!jx_get_int(&c, o, bad[i].field, true, 1, 16777215, &v));
		ck_assert_str_eq(c.err, bad[i].err);
		ck_assert_int_eq(v, 77);
		ck_assert_str_eq(c.path, "interfaces[2]");
	}

	/* Open-ended ranges say so. */
	jx_init(&c, NULL);
	jx_get_int(&c, o, "s", true, INT64_MIN, INT64_MAX, &v);
	ck_assert_str_eq(c.err, "s: expected an integer, got \"abc\"");
	jx_init(&c, NULL);
	jx_get_int(&c, o, "neg", true, 0, INT64_MAX, &v);
	ck_assert_str_eq(c.err, "neg: expected an integer >= 0, got -5");
	jx_init(&c, NULL);
	jx_get_int(&c, o, "m", true, INT64_MIN, 9, &v);
	ck_assert_str_eq(c.err, "m: expected an integer <= 9, got 10");
	json_decref(o);
}
END_TEST

START_TEST(get_number)
{
	json_t *o = parse("{\"i\":5,\"r\":0.5,\"s\":\"x\",\"big\":1e300,\"neg\":-0.25,"
			  "\"t\":true}");
	double d = -1;
	jx_ctx c;

	jx_init(&c, "f");
	ck_assert(jx_get_number(&c, o, "i", true, 0, 100, &d));
	ck_assert(d == 5.0);
	ck_assert(jx_get_number(&c, o, "r", true, 0, 100, &d));
	ck_assert(d == 0.5);
	ck_assert(jx_get_number(&c, o, "big", true, -INFINITY, INFINITY, &d));
	ck_assert(d == 1e300);
	d = 3;
	ck_assert(jx_get_number(&c, o, "none", false, 0, 1, &d));
	ck_assert(d == 3);

	jx_get_number(&c, o, "s", true, 0, 100, &d);
	ck_assert_str_eq(c.err, "f: s: expected a number 0..100, got \"x\"");
	jx_init(&c, "f");
	jx_get_number(&c, o, "big", true, 0, 1e12, &d);
	ck_assert_str_eq(c.err, "f: big: expected a number 0..1e+12, got 1e+300");
	jx_init(&c, "f");
	jx_get_number(&c, o, "neg", true, 0, INFINITY, &d);
	ck_assert_str_eq(c.err, "f: neg: expected a number >= 0, got -0.25");
	jx_init(&c, "f");
	jx_get_number(&c, o, "t", true, -INFINITY, INFINITY, &d);
	ck_assert_str_eq(c.err, "f: t: expected a number, got true");
	jx_init(&c, "f");
	jx_get_number(&c, o, "r", true, -INFINITY, 0.25, &d);
	ck_assert_str_eq(c.err, "f: r: expected a number <= 0.25, got 0.5");
	ck_assert(d == 3);
	json_decref(o);
}
END_TEST

START_TEST(get_bool)
{
	json_t *o = parse("{\"t\":true,\"f\":false,\"s\":\"true\",\"one\":1}");
	bool b = false;
	jx_ctx c;

	jx_init(&c, NULL);
	ck_assert(jx_get_bool(&c, o, "t", true, &b));
	ck_assert(b);
	ck_assert(jx_get_bool(&c, o, "f", true, &b));
	ck_assert(!b);
	ck_assert(!jx_get_bool(&c, o, "s", true, &b));
	ck_assert_str_eq(c.err, "s: expected true or false, got \"true\"");
	jx_init(&c, NULL);
	ck_assert(!jx_get_bool(&c, o, "one", false, &b));
	ck_assert_str_eq(c.err, "one: expected true or false, got 1");
	json_decref(o);
}
END_TEST

START_TEST(get_enum)
{
	json_t *o = parse("{\"m\":\"delay\",\"bad\":\"hops\",\"up\":\"TE\",\"n\":12,"
			  "\"e\":\"\"}");
	static const char *const none[] = { NULL };
	int idx = -1;
	jx_ctx c;

	jx_init(&c, "lsp");
	ck_assert(jx_get_enum(&c, o, "m", true, modes, &idx));
	ck_assert_int_eq(idx, 2);
	ck_assert(!jx_get_enum(&c, o, "bad", true, modes, &idx));
	ck_assert_str_eq(c.err, "lsp: bad: expected one of \"te\", \"igp\", \"delay\", "
				"got \"hops\"");
	jx_init(&c, "lsp");
	ck_assert(!jx_get_enum(&c, o, "up", true, modes, &idx));
	ck_assert_str_eq(c.err, "lsp: up: expected one of \"te\", \"igp\", \"delay\", "
				"got \"TE\"");
	jx_init(&c, "lsp");
	ck_assert(!jx_get_enum(&c, o, "n", true, modes, &idx));
	ck_assert_str_eq(c.err, "lsp: n: expected one of \"te\", \"igp\", \"delay\", got 12");
	jx_init(&c, "lsp");
	ck_assert(!jx_get_enum(&c, o, "e", true, modes, &idx));
	ck_assert_str_eq(c.err, "lsp: e: expected one of \"te\", \"igp\", \"delay\", got \"\"");
	jx_init(&c, "lsp");
	ck_assert(!jx_get_enum(&c, o, "m", true, none, &idx));
	ck_assert_str_eq(c.err, "lsp: m: expected one of (no values), got \"delay\"");
	ck_assert_int_eq(idx, 2);

	/* "te\0x" must not match "te". */
	json_object_set_new(o, "nul", json_stringn("te\0x", 4));
	jx_init(&c, "lsp");
	ck_assert(!jx_get_enum(&c, o, "nul", true, modes, &idx));
	ck_assert_int_eq(idx, 2);
	json_decref(o);
}
END_TEST

START_TEST(get_object_array)
{
	json_t *o = parse("{\"o\":{\"a\":1},\"a\":[1,2],\"s\":\"x\"}");
	json_t *sub = NULL;
	jx_ctx c;

	jx_init(&c, NULL);
	ck_assert(jx_get_object(&c, o, "o", true, &sub));
	ck_assert_ptr_eq(sub, json_object_get(o, "o"));
	ck_assert(jx_get_array(&c, o, "a", true, &sub));
	ck_assert_uint_eq(json_array_size(sub), 2);
	sub = NULL;
	ck_assert(jx_get_object(&c, o, "none", false, &sub));
	ck_assert_ptr_null(sub);
	ck_assert(!jx_get_object(&c, o, "a", true, &sub));
	ck_assert_str_eq(c.err, "a: expected an object, got an array");
	ck_assert_ptr_null(sub);
	jx_init(&c, NULL);
	ck_assert(!jx_get_array(&c, o, "o", true, &sub));
	ck_assert_str_eq(c.err, "o: expected an array, got an object");
	jx_init(&c, NULL);
	ck_assert(!jx_get_array(&c, o, "s", true, &sub));
	ck_assert_str_eq(c.err, "s: expected an array, got \"x\"");
	json_decref(o);
}
END_TEST

/* Getters on something that is not an object report it at the current path. */
START_TEST(get_from_non_object)
{
	json_t *arr = parse("[1]");
	const char *s = NULL;
	jx_ctx c;

	jx_init(&c, "k");
	ck_assert(!jx_get_string(&c, arr, "x", false, &s));
	ck_assert_str_eq(c.err, "k: (root): expected an object, got an array");
	jx_init(&c, "k");
	jx_push_field(&c, "te");
	ck_assert(!jx_get_string(&c, NULL, "x", false, &s));
	ck_assert_str_eq(c.err, "k: te: expected an object, got nothing");
	jx_init(&c, "k");
	ck_assert(!jx_get_string(&c, json_array_get(arr, 0), NULL, false, &s));
	ck_assert(c.failed);
	ck_assert_ptr_null(s);
	json_decref(arr);
}
END_TEST

START_TEST(get_addr_prefix)
{
	json_t *o = parse("{\"v4\":\"192.0.2.1\",\"v6\":\"FC00::1\",\"bad\":\"1.2.3\","
			  "\"num\":5,\"p\":\"10.0.0.0/24\",\"host\":\"10.0.0.1/24\","
			  "\"p6\":\"fc00:0:1::/48\",\"long\":\"10.0.0.0/33\",\"bare\":\"10.0.0.1\","
			  "\"pnum\":24,\"sp\":\" 10.0.0.0/24\"}");
	char buf[PREFIX_STRLEN];
	addr_t a;
	prefix_t p;
	jx_ctx c;

	jx_init(&c, "r");
	ck_assert(jx_get_addr(&c, o, "v4", true, &a));
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)), "192.0.2.1");
	ck_assert(jx_get_addr(&c, o, "v6", true, &a));
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)), "fc00::1");
	ck_assert(jx_get_prefix(&c, o, "p", true, &p));
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), "10.0.0.0/24");
	ck_assert(jx_get_prefix(&c, o, "p6", true, &p));
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), "fc00:0:1::/48");
	ck_assert(jx_get_prefix(&c, o, "bare", true, &p));
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), "10.0.0.1/32");
	ck_assert(!c.failed);

	ck_assert(!jx_get_addr(&c, o, "bad", true, &a));
	ck_assert_str_eq(c.err, "r: bad: expected an IP address like \"192.0.2.1\" or "
				"\"fc00::1\", got \"1.2.3\"");
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)), "fc00::1"); /* untouched */
	jx_init(&c, "r");
	ck_assert(!jx_get_addr(&c, o, "num", true, &a));
	ck_assert_str_eq(c.err, "r: num: expected an IP address like \"192.0.2.1\" or "
				"\"fc00::1\", got 5");
	jx_init(&c, "r");
	ck_assert(!jx_get_addr(&c, o, "p", true, &a));
	ck_assert_str_eq(c.err, "r: p: expected an IP address like \"192.0.2.1\" or "
				"\"fc00::1\", got \"10.0.0.0/24\"");

	jx_init(&c, "r");
	ck_assert(!jx_get_prefix(&c, o, "host", true, &p));
	ck_assert_str_eq(c.err, "r: host: expected a prefix like \"10.0.0.0/24\", got "
				"\"10.0.0.1/24\" (host bits set)");
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), "10.0.0.1/32"); /* untouched */
	jx_init(&c, "r");
	ck_assert(!jx_get_prefix(&c, o, "long", true, &p));
	ck_assert_str_eq(c.err, "r: long: expected a prefix like \"10.0.0.0/24\", got "
				"\"10.0.0.0/33\"");
	jx_init(&c, "r");
	ck_assert(!jx_get_prefix(&c, o, "pnum", true, &p));
	ck_assert_str_eq(c.err, "r: pnum: expected a prefix like \"10.0.0.0/24\", got 24");
	jx_init(&c, "r");
	ck_assert(!jx_get_prefix(&c, o, "sp", true, &p));
	ck_assert_str_eq(c.err, "r: sp: expected a prefix like \"10.0.0.0/24\", got "
				"\" 10.0.0.0/24\"");
	jx_init(&c, "r");
	ck_assert(!jx_get_prefix(&c, o, "none", true, &p));
	ck_assert_str_eq(c.err, "r: none: missing");
	json_decref(o);
}
END_TEST

START_TEST(check_fields)
{
	static const char *const allowed[] = { "bandwidth", "metric", NULL };
	static const char *const nothing[] = { NULL };
	json_t *o = parse("{\"metric\":1,\"bandwidth\":2}");
	json_t *typo = parse("{\"metric\":1,\"bandwith\":2,\"zzz\":3}");
	jx_ctx c;

	jx_init(&c, "r1.json");
	ck_assert(jx_check_fields(&c, o, allowed));
	json_t *empty = json_object();
	ck_assert(jx_check_fields(&c, empty, allowed));
	ck_assert(jx_check_fields(&c, empty, nothing));
	json_decref(empty);
	ck_assert(!c.failed);
	jx_push_field(&c, "interfaces");
	jx_push_index(&c, 2);
	jx_push_field(&c, "te");
	ck_assert(!jx_check_fields(&c, typo, allowed));
	ck_assert_str_eq(c.err, "r1.json: interfaces[2].te: unknown field \"bandwith\"");

	jx_init(&c, NULL);
	ck_assert(!jx_check_fields(&c, o, nothing));
	ck_assert_str_eq(c.err, "(root): unknown field \"metric\""); /* first in file order */
	jx_init(&c, NULL);
	ck_assert(!jx_check_fields(&c, o, NULL));
	jx_init(&c, NULL);
	ck_assert(!jx_check_fields(&c, NULL, allowed));
	ck_assert_str_eq(c.err, "(root): expected an object, got nothing");

	/* A key "metric\0x" is not "metric"; its NUL is shown. */
	json_t *nul = json_object();
	json_object_setn_new(nul, "metric\0x", 8, json_integer(1));
	jx_init(&c, NULL);
	ck_assert(!jx_check_fields(&c, nul, allowed));
	ck_assert_str_eq(c.err, "(root): unknown field \"metric\\u0000x\"");
	json_decref(nul);
	json_decref(o);
	json_decref(typo);
}
END_TEST

/* After the first error every call is a no-op that returns false and writes nothing. */
START_TEST(sticky_no_ops)
{
	json_t *o = parse("{\"s\":\"x\",\"i\":1,\"b\":true,\"o\":{},\"a\":[],\"m\":\"te\","
			  "\"ip\":\"10.0.0.1\",\"p\":\"10.0.0.0/8\"}");
	const char *s = "keep";
	int64_t i = 9;
	double d = 9;
	bool b = false;
	int e = 9;
	json_t *j = NULL;
	addr_t a = { 0 };
	prefix_t p = { 0 };
	jx_ctx c;

	jx_init(&c, "k");
	jx_fail(&c, "first");
	ck_assert(!jx_get_string(&c, o, "s", true, &s));
	ck_assert(!jx_get_int(&c, o, "i", true, 0, 10, &i));
	ck_assert(!jx_get_number(&c, o, "i", true, 0, 10, &d));
	ck_assert(!jx_get_bool(&c, o, "b", true, &b));
	ck_assert(!jx_get_enum(&c, o, "m", true, modes, &e));
	ck_assert(!jx_get_object(&c, o, "o", true, &j));
	ck_assert(!jx_get_array(&c, o, "a", true, &j));
	ck_assert(!jx_get_addr(&c, o, "ip", true, &a));
	ck_assert(!jx_get_prefix(&c, o, "p", true, &p));
	ck_assert(!jx_get_string(&c, o, "absent", false, &s));
	ck_assert(!jx_check_fields(&c, o, NULL));
	ck_assert_ptr_null(jx_loads(&c, "{}", 2));
	ck_assert_ptr_null(jx_load_file(&c, "/dev/null"));
	ck_assert_str_eq(s, "keep");
	ck_assert(i == 9 && d == 9 && !b && e == 9 && j == NULL);
	ck_assert(addr_is_unset(&a) && addr_is_unset(&p.addr));
	ck_assert_str_eq(c.err, "k: (root): first");
	json_decref(o);
}
END_TEST

/* A config walk the way a daemon does it: the error names the exact element. */
START_TEST(walk_config)
{
	static const char text[] =
		"{\"hostname\":\"r1\",\"interfaces\":["
		"{\"name\":\"et0\",\"te\":{\"bandwidth\":1e9}},"
		"{\"name\":\"et1\",\"te\":{\"bandwidth\":1e9}},"
		"{\"name\":\"et2\",\"te\":{\"bandwidth\":\"fast\"}}]}";
	json_t *root, *ifs = NULL, *ifc, *te;
	size_t i, m;
	jx_ctx c;
	double bw;

	jx_init(&c, "r1.json");
	root = jx_loads(&c, text, strlen(text));
	ck_assert_ptr_nonnull(root);
	ck_assert(jx_get_array(&c, root, "interfaces", true, &ifs));
	m = jx_push_field(&c, "interfaces");
	json_array_foreach(ifs, i, ifc) {
		size_t mi = jx_push_index(&c, i), mt;

		te = NULL;
		if (!jx_get_object(&c, ifc, "te", true, &te))
			break;
		mt = jx_push_field(&c, "te");
		jx_get_number(&c, te, "bandwidth", true, 0, 1e12, &bw);
		jx_pop(&c, mt);
		jx_pop(&c, mi);
	}
	jx_pop(&c, m);
	ck_assert(c.failed);
	ck_assert_str_eq(c.err, "r1.json: interfaces[2].te.bandwidth: expected a number "
				"0..1e+12, got \"fast\"");
	ck_assert_str_eq(c.path, "");
	json_decref(root);
}
END_TEST

START_TEST(loads_errors)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "{\n \"a\": 1,\n \"b\": tru\n}", "r1.json:3:9: invalid token near 'tru'" },
		{ "{\"a\":1,\"a\":2}", "r1.json:1:10: duplicate object key near '\"a\"'" },
		{ "", "r1.json:1:0: '[' or '{' expected near end of file" },
		{ "{\"a\":1} x", "r1.json:1:9: end of file expected near 'x'" },
		{ "[1,2", "r1.json:1:4: ']' expected near end of file" },
		{ "true", "r1.json:1:4: '[' or '{' expected near 'true'" },
	};
	json_t *v;
	jx_ctx c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jx_init(&c, "r1.json");
		ck_assert_ptr_null(jx_loads(&c, cases[i].text, strlen(cases[i].text)));
		ck_assert(c.failed);
		ck_assert_str_eq(c.err, cases[i].err);
	}
	jx_init(&c, "k");
	ck_assert_ptr_null(jx_loads(&c, "{\"a\":\"\\u0000\"}", 14));
	ck_assert(strstr(c.err, "k:1:13: \\u0000 is not allowed") == c.err);

	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_loads(&c, "{", 1));
	ck_assert_str_eq(c.err, "1:1: string or '}' expected near end of file");
	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_loads(&c, NULL, 5));
	ck_assert(c.failed);

	/* len is honoured: the bytes after it are never read. */
	jx_init(&c, "k");
	v = jx_loads(&c, "{\"a\":1}garbage", 7);
	ck_assert_ptr_nonnull(v);
	ck_assert(!c.failed);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "a")), 1);
	json_decref(v);
	/* Binary junk. */
	static const char junk[] = { '{', '"', (char)0xff, (char)0xfe, '"', ':', '1', '}' };
	jx_init(&c, "k");
	ck_assert_ptr_null(jx_loads(&c, junk, sizeof(junk)));
	ck_assert(strncmp(c.err, "k:1:", 4) == 0);
}
END_TEST

static char tmpdir[64];

static char *write_tmp(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/test_jx.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(load_file)
{
	char want[256], *path;
	json_t *v;
	jx_ctx c;

	path = write_tmp("good.json", "{\"hostname\": \"r1\"}\n");
	jx_init(&c, "ignored");
	v = jx_load_file(&c, path);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(json_object_get(v, "hostname")), "r1");
	json_decref(v);
	unlink(path);

	path = write_tmp("r1.json", "{\n  \"hostname\": \"r1\",\n  \"area\": tru\n}\n");
	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_load_file(&c, path));
	snprintf(want, sizeof(want), "%s:3:13: invalid token near 'tru'", path);
	ck_assert_str_eq(c.err, want);
	unlink(path);

	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_load_file(&c, path)); /* now gone */
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	ck_assert_str_eq(c.err, want);

	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_load_file(&c, tmpdir));
	snprintf(want, sizeof(want), "%s: cannot open: Is a directory", tmpdir);
	ck_assert_str_eq(c.err, want);

	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_load_file(&c, "/dev/null"));
	ck_assert_str_eq(c.err, "/dev/null:1:0: '[' or '{' expected near end of file");

	jx_init(&c, NULL);
	ck_assert_ptr_null(jx_load_file(&c, NULL));
	ck_assert(c.failed);
	rmdir(tmpdir);
}
END_TEST

/* A file larger than the first read buffer. */
START_TEST(load_big_file)
{
	size_t n = 20000, o = 0;
	char *text = malloc(n * 8 + 16), *path;
	json_t *v;
	jx_ctx c;

	ck_assert_ptr_nonnull(text);
	o += (size_t)sprintf(text, "[");
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(text + o, "%s%zu", i ? "," : "", i);
	sprintf(text + o, "]");
	path = write_tmp("big.json", text);
	jx_init(&c, NULL);
	v = jx_load_file(&c, path);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(json_array_size(v), n);
	ck_assert_int_eq(json_integer_value(json_array_get(v, n - 1)), (json_int_t)(n - 1));
	json_decref(v);
	free(text);
	unlink(path);
	rmdir(tmpdir);
}
END_TEST

START_TEST(dumps_stable)
{
	json_t *v = parse("{\"b\":1,\"a\":\"x/y\",\"c\":[1,{\"z\":null,\"y\":true}],"
			  "\"d\":\"caf\\u00e9\",\"e\":0.5}");
	json_t *back;
	char *s, *again;

	s = jx_dumps(v);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "{\"a\":\"x/y\",\"b\":1,\"c\":[1,{\"y\":true,\"z\":null}],"
			    "\"d\":\"caf\xc3\xa9\",\"e\":0.5}");
	back = parse(s);
	ck_assert(json_equal(v, back));
	again = jx_dumps(back);
	ck_assert_str_eq(s, again);
	free(s);
	free(again);
	json_decref(back);
	json_decref(v);

	v = json_integer(12);
	s = jx_dumps(v);
	ck_assert_str_eq(s, "12");
	free(s);
	json_decref(v);
	v = json_string("a/b\n");
	s = jx_dumps(v);
	ck_assert_str_eq(s, "\"a/b\\n\"");
	free(s);
	json_decref(v);
	ck_assert_ptr_null(jx_dumps(NULL));
}
END_TEST

static Suite *jx_suite(void)
{
	Suite *s = suite_create("jx");
	TCase *tc = tcase_create("jx");

	tcase_add_test(tc, path_rendering);
	tcase_add_test(tc, path_odd_names);
	tcase_add_test(tc, path_overflow);
	tcase_add_test(tc, fail_format_and_sticky);
	tcase_add_test(tc, describe_values);
	tcase_add_test(tc, get_string);
	tcase_add_test(tc, get_int);
	tcase_add_test(tc, get_number);
	tcase_add_test(tc, get_bool);
	tcase_add_test(tc, get_enum);
	tcase_add_test(tc, get_object_array);
	tcase_add_test(tc, get_from_non_object);
	tcase_add_test(tc, get_addr_prefix);
	tcase_add_test(tc, check_fields);
	tcase_add_test(tc, sticky_no_ops);
	tcase_add_test(tc, walk_config);
	tcase_add_test(tc, loads_errors);
	tcase_add_test(tc, load_file);
	tcase_add_test(tc, load_big_file);
	tcase_add_test(tc, dumps_stable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
