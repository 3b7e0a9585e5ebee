/* test_addr — Check suite for lib/addr.c: address and prefix parsing (good and, above
 * all, bad text), RFC 5952 formatting, the etcd key form, masking at every length,
 * ordering and containment. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/addr.h"

static const char *fmt_addr(const addr_t *a)
{
	static char buf[ADDR_STRLEN];

	return addr_format(a, buf, sizeof(buf));
}

static const char *fmt_prefix(const prefix_t *p)
{
	static char buf[PREFIX_STRLEN];

	return prefix_format(p, buf, sizeof(buf));
}

static addr_t A(const char *s)
{
	addr_t a;

	ck_assert_msg(addr_parse(s, &a) == 0, "addr_parse(\"%s\") failed", s);
	return a;
}

static prefix_t P(const char *s)
{
	prefix_t p;

	ck_assert_msg(prefix_parse(s, false, &p) == 0, "prefix_parse(\"%s\") failed", s);
	return p;
}

START_TEST(addr_parse_ipv4)
{
	addr_t a;
	static const uint8_t want[16] = { 192, 0, 2, 1 };

	memset(&a, 0xaa, sizeof(a));
	ck_assert_int_eq(addr_parse("192.0.2.1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_mem_eq(a.bytes, want, 16); /* unused bytes are zeroed */
	ck_assert_uint_eq(addr_bits(&a), 32);
	ck_assert(!addr_is_unset(&a));
	ck_assert_str_eq(fmt_addr(&a), "192.0.2.1");
	a = A("0.0.0.0");
	ck_assert_str_eq(fmt_addr(&a), "0.0.0.0");
	a = A("255.255.255.255");
	ck_assert_str_eq(fmt_addr(&a), "255.255.255.255");
}
END_TEST

START_TEST(addr_parse_ipv6)
{
	addr_t a;

	ck_assert_int_eq(addr_parse("fc00::1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_uint_eq(addr_bits(&a), 128);
	ck_assert_uint_eq(a.bytes[0], 0xfc);
	ck_assert_uint_eq(a.bytes[15], 1);
	ck_assert_str_eq(fmt_addr(&a), "fc00::1");
	a = A("::");
	ck_assert_str_eq(fmt_addr(&a), "::");
	a = A("::ffff:10.0.0.1");
	ck_assert_str_eq(fmt_addr(&a), "::ffff:10.0.0.1");
}
END_TEST

/* RFC 5952: lower case, no leading zeros, longest zero run compressed (first one on a
 * tie), a single zero group not compressed. */
START_TEST(addr_format_rfc5952)
{
	static const char *const cases[][2] = {
		{ "FC00:0000:0000:0000:0000:0000:0000:0001", "fc00::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "2001:0db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "2001:db8:0:0:0::1", "2001:db8::1" },
		{ "fc00:0:2::", "fc00:0:2::" },
		{ "FC00:0:1:0:0:0:0:0", "fc00:0:1::" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		addr_t a = A(cases[i][0]);

		ck_assert_str_eq(fmt_addr(&a), cases[i][1]);
	}
}
END_TEST

START_TEST(addr_parse_rejects_junk)
{
	static const char *const bad[] = {
		"", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "01.2.3.4",
		" 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4/32", "0x01.2.3.4", "1..2.3",
		"fc00:::1", "fc00::1::2", "fc00::1%eth0", "gggg::1", "fc00::1/128",
		"1:2:3:4:5:6:7:8:9", "12345::", ":", "localhost", "1.2.3.4:80", "[::1]",
		"::ffff:256.0.0.1", "fc00::1 ",
	};
	addr_t a, untouched;

	memset(&untouched, 0x5a, sizeof(untouched));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = untouched;
		ck_assert_msg(addr_parse(bad[i], &a) == -EINVAL, "accepted \"%s\"", bad[i]);
		ck_assert_msg(memcmp(&a, &untouched, sizeof(a)) == 0,
			      "\"%s\" wrote to out on failure", bad[i]);
	}
	ck_assert_int_eq(addr_parse(NULL, &a), -EINVAL);
	ck_assert_int_eq(addr_parse("1.2.3.4", NULL), -EINVAL);
}
END_TEST

START_TEST(addr_format_edges)
{
	addr_t unset = { 0 }, a = A("2001:db8::1");
	char small[8], one[1] = { 'x' };

	ck_assert_str_eq(fmt_addr(&unset), "(unset)");
	ck_assert_str_eq(fmt_addr(NULL), "(unset)");
	ck_assert(addr_is_unset(&unset));
	ck_assert_uint_eq(addr_bits(&unset), 0);
	unset.family = 99; /* not a family we know: treated as unset */
	ck_assert(addr_is_unset(&unset));
	ck_assert_str_eq(fmt_addr(&unset), "(unset)");
	/* Too small: an empty string, never an overflow. */
	ck_assert_str_eq(addr_format(&a, small, sizeof(small)), "");
	ck_assert_ptr_eq(addr_format(&a, one, sizeof(one)), one);
	ck_assert_int_eq(one[0], '\0');
	ck_assert_ptr_null(addr_format(&a, NULL, 0));
}
END_TEST

START_TEST(addr_cmp_orders)
{
	addr_t v4a = A("10.0.0.1"), v4b = A("10.0.0.2"), v4c = A("9.255.255.255");
	addr_t v6a = A("::1"), v6b = A("fc00::1"), unset = { 0 };

	ck_assert_int_eq(addr_cmp(&v4a, &v4a), 0);
	ck_assert_int_lt(addr_cmp(&v4a, &v4b), 0);
	ck_assert_int_gt(addr_cmp(&v4b, &v4a), 0);
	ck_assert_int_gt(addr_cmp(&v4a, &v4c), 0); /* bytes compare in network order */
	ck_assert_int_lt(addr_cmp(&v4b, &v6a), 0); /* family first: IPv4 before IPv6 */
	ck_assert_int_gt(addr_cmp(&v6a, &v4b), 0);
	ck_assert_int_lt(addr_cmp(&v6a, &v6b), 0);
	ck_assert_int_lt(addr_cmp(&unset, &v4a), 0);
	ck_assert_int_eq(addr_cmp(&unset, &unset), 0);
	ck_assert_int_lt(addr_cmp(NULL, &v4a), 0);
	ck_assert_int_gt(addr_cmp(&v4a, NULL), 0);

	/* Garbage past the 4 IPv4 bytes does not change equality. */
	addr_t dirty = v4a;
	dirty.bytes[10] = 0x77;
	ck_assert_int_eq(addr_cmp(&dirty, &v4a), 0);
}
END_TEST

START_TEST(prefix_parse_good)
{
	static const char *const cases[][3] = {
		/* input, formatted, length */
		{ "10.0.0.0/8", "10.0.0.0/8", "8" },
		{ "0.0.0.0/0", "0.0.0.0/0", "0" },
		{ "10.1.2.3", "10.1.2.3/32", "32" },
		{ "10.1.2.3/32", "10.1.2.3/32", "32" },
		{ "10.0.0.128/25", "10.0.0.128/25", "25" },
		{ "10.0.0.0/7", "10.0.0.0/7", "7" },
		{ "fc00:0:1::/48", "fc00:0:1::/48", "48" },
		{ "FC00:0:1:0::/48", "fc00:0:1::/48", "48" },
		{ "::/0", "::/0", "0" },
		{ "fc00::1", "fc00::1/128", "128" },
		{ "2001:db8::/32", "2001:db8::/32", "32" },
		{ "fc00::8000:0/97", "fc00::8000:0/97", "97" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prefix_t p;

		ck_assert_msg(prefix_parse(cases[i][0], false, &p) == 0, "rejected %s",
			      cases[i][0]);
		ck_assert_str_eq(fmt_prefix(&p), cases[i][1]);
		ck_assert_uint_eq(p.len, (unsigned)atoi(cases[i][2]));
	}
}
END_TEST

START_TEST(prefix_parse_rejects_junk)
{
	static const char *const bad[] = {
		"", "/", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08x", " 10.0.0.0/8",
		"10.0.0.0/8 ", "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.0/-1", "10.0.0.0/+8",
		"10.0.0.0/08", "10.0.0.0/008", "10.0.0.0/8/8", "10.0.0.0//8", "10.0.0.0_8",
		"10.0.0.0/8\n", "10.0.0/8", "a/8", "10.0.0.0/0x8", "10.0.0.0/1e1",
		"10.0.0.0/4294967304", "10.0.0.0/99999999999999999999", "fc00::/129",
		"fc00::/1280", "fc00::/", "fc00::%eth0/64", "::/-0", "10.0.0.0\t/8",
		"300.0.0.0/8",
	};
	prefix_t p, untouched;

	memset(&untouched, 0x5a, sizeof(untouched));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = untouched;
		ck_assert_msg(prefix_parse(bad[i], true, &p) == -EINVAL, "accepted \"%s\"",
			      bad[i]);
		ck_assert_msg(prefix_parse(bad[i], false, &p) == -EINVAL,
			      "accepted \"%s\"", bad[i]);
		ck_assert_msg(memcmp(&p, &untouched, sizeof(p)) == 0,
			      "\"%s\" wrote to out on failure", bad[i]);
	}
	ck_assert_int_eq(prefix_parse(NULL, true, &p), -EINVAL);
	ck_assert_int_eq(prefix_parse("10.0.0.0/8", true, NULL), -EINVAL);
}
END_TEST

START_TEST(prefix_parse_long_input)
{
	char big[4096];
	prefix_t p;

	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(prefix_parse(big, true, &p), -EINVAL);
	big[100] = '/';
	ck_assert_int_eq(prefix_parse(big, true, &p), -EINVAL);
	memcpy(big, "10.0.0.0/", 9); /* a valid address, then thousands of digits */
	ck_assert_int_eq(prefix_parse(big, true, &p), -EINVAL);
	ck_assert_int_eq(prefix_parse_key(big, &p), -EINVAL);
}
END_TEST

START_TEST(prefix_parse_host_bits)
{
	static const char *const cases[][2] = {
		{ "10.0.0.1/8", "10.0.0.0/8" },
		{ "10.0.0.128/24", "10.0.0.0/24" },
		{ "11.0.0.0/7", "10.0.0.0/7" },
		{ "255.255.255.255/0", "0.0.0.0/0" },
		{ "fc00::1/64", "fc00::/64" },
		{ "fc00:0:1:ffff::/48", "fc00:0:1::/48" },
		{ "fc00::ffff/127", "fc00::fffe/127" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prefix_t p;

		ck_assert_msg(prefix_parse(cases[i][0], false, &p) == -EINVAL,
			      "accepted host bits in %s", cases[i][0]);
		ck_assert_int_eq(prefix_parse(cases[i][0], true, &p), 0);
		ck_assert_str_eq(fmt_prefix(&p), cases[i][1]);
	}
}
END_TEST

/* Every length 0..32 and 0..128 against all-ones: exactly `len` leading one bits. */
START_TEST(prefix_mask_every_length)
{
	static const struct {
		const char *ones;
		unsigned bits;
	} fam[] = { { "255.255.255.255", 32 },
		    { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128 } };

	for (size_t f = 0; f < 2; f++) {
		addr_t ones = A(fam[f].ones);

		for (unsigned len = 0; len <= fam[f].bits; len++) {
			prefix_t p;
			unsigned count = 0;
			bool seen_zero = false;

			ck_assert_int_eq(prefix_make(&ones, len, &p), 0);
			ck_assert_uint_eq(p.len, len);
			for (unsigned b = 0; b < fam[f].bits; b++) {
				bool set = p.addr.bytes[b / 8] & (0x80 >> (b % 8));

				ck_assert_msg(!(set && seen_zero), "hole in mask /%u", len);
				seen_zero |= !set;
				count += set;
			}
			ck_assert_uint_eq(count, len);
			for (unsigned b = fam[f].bits / 8; b < 16; b++)
				ck_assert_uint_eq(p.addr.bytes[b], 0);
			ck_assert(prefix_contains(&p, &ones));
		}
		prefix_t p;
		ck_assert_int_eq(prefix_make(&ones, fam[f].bits + 1, &p), -EINVAL);
		ck_assert_int_eq(prefix_make(&ones, 1000, &p), -EINVAL);
	}
}
END_TEST

START_TEST(prefix_make_edges)
{
	addr_t unset = { 0 }, a = A("192.0.2.77");
	prefix_t p, untouched;

	memset(&untouched, 0x33, sizeof(untouched));
	p = untouched;
	ck_assert_int_eq(prefix_make(&unset, 0, &p), -EINVAL);
	ck_assert_int_eq(prefix_make(NULL, 8, &p), -EINVAL);
	ck_assert_int_eq(prefix_make(&a, 33, &p), -EINVAL);
	ck_assert_mem_eq(&p, &untouched, sizeof(p));
	ck_assert_int_eq(prefix_make(&a, 8, NULL), -EINVAL);
	ck_assert_int_eq(prefix_make(&a, 26, &p), 0);
	ck_assert_str_eq(fmt_prefix(&p), "192.0.2.64/26");
	ck_assert_str_eq(fmt_addr(&a), "192.0.2.77"); /* input untouched */
}
END_TEST

START_TEST(prefix_format_edges)
{
	prefix_t unset = { 0 }, p = P("fc00:0:1::/48");
	char small[10];

	ck_assert_str_eq(fmt_prefix(&unset), "(unset)");
	ck_assert_str_eq(fmt_prefix(NULL), "(unset)");
	ck_assert_str_eq(prefix_format(&p, small, sizeof(small)), "");
	ck_assert_ptr_null(prefix_format(&p, NULL, 0));
}
END_TEST

START_TEST(prefix_key_round_trip)
{
	static const char *const cases[][2] = {
		{ "10.42.2.0/24", "10.42.2.0_24" },
		{ "fc00:0:2::/48", "fc00:0:2::_48" },
		{ "0.0.0.0/0", "0.0.0.0_0" },
		{ "::/0", "::_0" },
		{ "10.0.0.1", "10.0.0.1_32" },
		{ "fc00::1", "fc00::1_128" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prefix_t p = P(cases[i][0]), back;
		char key[PREFIX_STRLEN];

		ck_assert_str_eq(prefix_format_key(&p, key, sizeof(key)), cases[i][1]);
		ck_assert_int_eq(prefix_parse_key(key, &back), 0);
		ck_assert_int_eq(prefix_cmp(&p, &back), 0);
	}
}
END_TEST

/* The key form is canonical: one prefix has one key, so anything else is rejected. */
START_TEST(prefix_key_rejects_junk)
{
	static const char *const bad[] = {
		"", "_", "_8", "10.0.0.0", "10.0.0.0_", "10.0.0.0/8", "10.0.0.0_8_",
		"10.0.0.0__8", "10.0.0.0_08", "10.0.0.0_33", "10.0.0.1_8", "FC00::_48",
		"fc00:0::_48", "fc00:0:0:0:0:0:0:1_128", " 10.0.0.0_8", "10.0.0.0_8 ",
		"10.0.0.0_8/8", "fc00::1", "10.0.0.0_x",
	};
	prefix_t p, untouched;

	memset(&untouched, 0x5a, sizeof(untouched));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = untouched;
		ck_assert_msg(prefix_parse_key(bad[i], &p) == -EINVAL, "accepted \"%s\"",
			      bad[i]);
		ck_assert_mem_eq(&p, &untouched, sizeof(p));
	}
	ck_assert_int_eq(prefix_parse_key(NULL, &p), -EINVAL);
	ck_assert_int_eq(prefix_parse_key("10.0.0.0_8", NULL), -EINVAL);
}
END_TEST

START_TEST(prefix_contains_cases)
{
	prefix_t p8 = P("10.0.0.0/8"), p0 = P("0.0.0.0/0"), h = P("10.1.2.3/32");
	prefix_t v6 = P("fc00:0:1::/48"), v6all = P("::/0"), unset = { 0 };

	addr_t in = A("10.255.255.255"), out = A("11.0.0.0"), v6in = A("fc00:0:1:ffff::1");
	addr_t v6out = A("fc00:0:2::"), h_addr = A("10.1.2.3"), h_next = A("10.1.2.4");
	addr_t none = { 0 };

	ck_assert(prefix_contains(&p8, &in));
	ck_assert(!prefix_contains(&p8, &out));
	ck_assert(prefix_contains(&p0, &out));
	ck_assert(!prefix_contains(&p0, &v6in)); /* never across families */
	ck_assert(!prefix_contains(&v6all, &in));
	ck_assert(prefix_contains(&v6all, &v6in));
	ck_assert(prefix_contains(&v6, &v6in));
	ck_assert(!prefix_contains(&v6, &v6out));
	ck_assert(prefix_contains(&h, &h_addr));
	ck_assert(!prefix_contains(&h, &h_next));
	ck_assert(!prefix_contains(&unset, &in));
	ck_assert(!prefix_contains(&p8, &none));
	ck_assert(!prefix_contains(NULL, &in));
	ck_assert(!prefix_contains(&p8, NULL));

	/* A hand-built prefix with a bad length contains nothing. */
	prefix_t broken = p8;
	broken.len = 200;
	ck_assert(!prefix_contains(&broken, &in));
}
END_TEST

START_TEST(prefix_cmp_orders)
{
	prefix_t a = P("10.0.0.0/8"), b = P("10.0.0.0/16"), c = P("10.1.0.0/16");
	prefix_t d = P("::/0"), e = P("9.0.0.0/8");

	ck_assert_int_eq(prefix_cmp(&a, &a), 0);
	ck_assert_int_lt(prefix_cmp(&a, &b), 0); /* same address: shorter first */
	ck_assert_int_gt(prefix_cmp(&b, &a), 0);
	ck_assert_int_lt(prefix_cmp(&b, &c), 0); /* address before length */
	ck_assert_int_lt(prefix_cmp(&c, &d), 0); /* IPv4 before IPv6 */
	ck_assert_int_gt(prefix_cmp(&a, &e), 0);
	ck_assert_int_lt(prefix_cmp(NULL, &a), 0);
	ck_assert_int_eq(prefix_cmp(NULL, NULL), 0);
}
END_TEST

static Suite *addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");

	tcase_add_test(tc, addr_parse_ipv4);
	tcase_add_test(tc, addr_parse_ipv6);
	tcase_add_test(tc, addr_format_rfc5952);
	tcase_add_test(tc, addr_parse_rejects_junk);
	tcase_add_test(tc, addr_format_edges);
	tcase_add_test(tc, addr_cmp_orders);
	tcase_add_test(tc, prefix_parse_good);
	tcase_add_test(tc, prefix_parse_rejects_junk);
	tcase_add_test(tc, prefix_parse_long_input);
	tcase_add_test(tc, prefix_parse_host_bits);
	tcase_add_test(tc, prefix_mask_every_length);
	tcase_add_test(tc, prefix_make_edges);
	tcase_add_test(tc, prefix_format_edges);
	tcase_add_test(tc, prefix_key_round_trip);
	tcase_add_test(tc, prefix_key_rejects_junk);
	tcase_add_test(tc, prefix_contains_cases);
	tcase_add_test(tc, prefix_cmp_orders);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(addr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
