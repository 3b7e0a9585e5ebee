/* test_cliopt — lib/cliopt.c: decimal flag values in a range (signs, blanks, trailing
 * text, overflow and the bounds refused; the message names the program and the flag)
 * and --log-level parsing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cliopt.h"

START_TEST(parse_uint_accepts_and_refuses)
{
	unsigned long long v = 7;

	ck_assert_int_eq(cliopt_parse_uint("0", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(cliopt_parse_uint("10", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(cliopt_parse_uint("18446744073709551615", 0, ~0ull, &v), 0);
	ck_assert(v == ~0ull);
	v = 7;
	const char *bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "11",
			     "18446744073709551616", NULL};

	for (int i = 0; bad[i]; i++) {
		ck_assert_msg(cliopt_parse_uint(bad[i], 0, 10, &v) == -EINVAL, "accepted \"%s\"",
			      bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	ck_assert_int_eq(cliopt_parse_uint(NULL, 0, 10, &v), -EINVAL);
	ck_assert_int_eq(cliopt_parse_uint("2", 3, 10, &v), -EINVAL);
}
END_TEST

START_TEST(flag_message)
{
	char path[] = "/tmp/kvte-cliopt-XXXXXX", buf[256] = {0};
	int fd = mkstemp(path), saved = dup(2);
	uint32_t u = 9;

	ck_assert_int_ge(fd, 0);
	dup2(fd, 2);
	ck_assert_int_eq(cliopt_u32("kvte-x", "--lease-ttl", "1", 2, 3600, &u), -1);
	ck_assert_int_eq(cliopt_log_level("kvte-x", "loud"), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_gt(pread(fd, buf, sizeof(buf) - 1, 0), 0);
	close(fd);
	unlink(path);
	ck_assert_uint_eq(u, 9);
	ck_assert_ptr_nonnull(strstr(buf, "kvte-x: --lease-ttl: expected an integer 2..3600, got \"1\""));
	ck_assert_ptr_nonnull(strstr(buf, "kvte-x: --log-level: expected error, warn, info or debug, got \"loud\""));
	ck_assert_int_eq(cliopt_u32("kvte-x", "--lease-ttl", "30", 2, 3600, &u), 0);
	ck_assert_uint_eq(u, 30);
	ck_assert_int_eq(cliopt_log_level("kvte-x", "debug"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cliopt");
	TCase *tc = tcase_create("cliopt");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_uint_accepts_and_refuses);
	tcase_add_test(tc, flag_message);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
