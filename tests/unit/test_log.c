/* test_log — Check suite for lib/log.c: the exact line format (timestamp and pid
 * masked after checking their shape), level filtering, debug categories, log_state,
 * escaping of control characters, and the rate limiter driven by a fake clock. Each
 * test logs into an open_memstream buffer; Check forks per test, so the logger's
 * process-wide settings start fresh every time. */
#include <check.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

static FILE *out;
static char *out_buf;
static size_t out_len;
static size_t consumed; /* bytes of out_buf already returned by take() */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void setup(void)
{
	consumed = 0;
	out = open_memstream(&out_buf, &out_len);
	ck_assert_ptr_nonnull(out);
	log_init("kvte-test", out);
	log_set_level(LOG_LVL_INFO);
	log_set_debug("");
	fake_now = 1000;
	log_set_clock(fake_clock);
}

static void teardown(void)
{
	fclose(out);
	free(out_buf);
	out = NULL;
	out_buf = NULL;
	log_set_clock(NULL);
}

/* Returns what was logged since the last call, each line's timestamp replaced by "T"
 * and its pid by "PID", after checking that the timestamp has the documented shape
 * and is close to now (UTC), and that the pid is ours. Caller frees. */
static char *take(void)
{
	static const char ts_re[] = "^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):"
				    "([0-9]{2})\\.[0-9]{3}Z ([^ []+)\\[([0-9]+)\\] ";
	char *text, *res, *line, *save = NULL, *o;
	regex_t re;
	regmatch_t m[9];

	ck_assert_int_eq(fflush(out), 0);
	text = strndup(out_buf + consumed, out_len - consumed);
	consumed = out_len;
	ck_assert_ptr_nonnull(text);
	res = calloc(1, strlen(text) + 1);
	ck_assert_ptr_nonnull(res);
	ck_assert_int_eq(regcomp(&re, ts_re, REG_EXTENDED), 0);
	o = res;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct tm tm = { 0 };
		time_t t;

		ck_assert_msg(regexec(&re, line, 9, m, 0) == 0, "bad line prefix: %s", line);
		tm.tm_year = atoi(line + m[1].rm_so) - 1900;
		tm.tm_mon = atoi(line + m[2].rm_so) - 1;
		tm.tm_mday = atoi(line + m[3].rm_so);
		tm.tm_hour = atoi(line + m[4].rm_so);
		tm.tm_min = atoi(line + m[5].rm_so);
		tm.tm_sec = atoi(line + m[6].rm_so);
		t = timegm(&tm);
		ck_assert_msg(labs((long)(t - time(NULL))) <= 5, "timestamp not UTC now: %s",
			      line);
		ck_assert_int_eq(atol(line + m[8].rm_so), (long)getpid());
		o += sprintf(o, "T %.*s[PID] %s\n", (int)(m[7].rm_eo - m[7].rm_so),
			     line + m[7].rm_so, line + m[0].rm_eo);
	}
	regfree(&re);
	free(text);
	return res;
}

#define ck_assert_logged(expected)                                                    \
	do {                                                                          \
		char *got_ = take();                                                  \
		ck_assert_str_eq(got_, expected);                                     \
		free(got_);                                                           \
	} while (0)

START_TEST(line_format)
{
	log_info("etcd", "endpoint %s up", "http://127.0.0.1:2379");
	ck_assert_logged("T kvte-test[PID] INFO  etcd: endpoint http://127.0.0.1:2379 up\n");
}
END_TEST

START_TEST(level_names_padded)
{
	log_set_level(LOG_LVL_DEBUG);
	log_err("a", "e %d", 1);
	log_warn("b", "w");
	log_info("c", "i");
	log_debug("d", "d");
	ck_assert_logged("T kvte-test[PID] ERROR a: e 1\n"
			 "T kvte-test[PID] WARN  b: w\n"
			 "T kvte-test[PID] INFO  c: i\n"
			 "T kvte-test[PID] DEBUG d: d\n");
}
END_TEST

START_TEST(progname_and_stream)
{
	log_init("/usr/sbin/kvte-speaker", out);
	log_info("x", "y");
	ck_assert_logged("T kvte-speaker[PID] INFO  x: y\n");
	log_init(NULL, out); /* keeps the name */
	log_info(NULL, "no category");
	log_info("", "empty category");
	ck_assert_logged("T kvte-speaker[PID] INFO  no category\n"
			 "T kvte-speaker[PID] INFO  empty category\n");
}
END_TEST

START_TEST(level_filter)
{
	log_set_level(LOG_LVL_WARN);
	log_err("a", "1");
	log_warn("a", "2");
	log_info("a", "3");
	log_debug("a", "4");
	log_msg(LOG_LVL_DEBUG, "a", "5");
	ck_assert_logged("T kvte-test[PID] ERROR a: 1\nT kvte-test[PID] WARN  a: 2\n");
	ck_assert(log_enabled(LOG_LVL_ERROR, "a"));
	ck_assert(!log_enabled(LOG_LVL_INFO, "a"));

	log_set_level(LOG_LVL_ERROR);
	log_warn("a", "6");
	ck_assert_logged("");
	log_set_level((enum log_level)42); /* ignored */
	log_warn("a", "7");
	ck_assert_logged("");
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "a"));
}
END_TEST

START_TEST(level_parse)
{
	static const struct {
		const char *s;
		enum log_level lvl;
	} good[] = { { "error", LOG_LVL_ERROR }, { "warn", LOG_LVL_WARN },
		     { "info", LOG_LVL_INFO },   { "debug", LOG_LVL_DEBUG },
		     { "DEBUG", LOG_LVL_DEBUG }, { "Info", LOG_LVL_INFO } };
	static const char *const bad[] = { "", "verbose", "info ", " info", "inf",
					   "warning", "errors", "3", "debug\n" };
	enum log_level lvl;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		lvl = (enum log_level)-1;
		ck_assert_int_eq(log_level_parse(good[i].s, &lvl), 0);
		ck_assert_int_eq(lvl, good[i].lvl);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lvl = LOG_LVL_WARN;
		ck_assert_msg(log_level_parse(bad[i], &lvl) == -EINVAL, "accepted '%s'",
			      bad[i]);
		ck_assert_int_eq(lvl, LOG_LVL_WARN);
	}
	ck_assert_int_eq(log_level_parse(NULL, &lvl), -EINVAL);
	ck_assert_int_eq(log_level_parse("info", NULL), -EINVAL);
}
END_TEST

START_TEST(debug_categories)
{
	log_set_debug("etcd,adj");
	ck_assert(log_enabled(LOG_LVL_DEBUG, "etcd"));
	ck_assert(log_enabled(LOG_LVL_DEBUG, "adj"));
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "flood"));
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "etc"));  /* no prefix match */
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "tcd"));  /* no suffix match */
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "d,adj")); /* not a list */
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "etcd,adj"));
	ck_assert(!log_enabled(LOG_LVL_DEBUG, ""));
	ck_assert(!log_enabled(LOG_LVL_DEBUG, NULL));
	log_debug("adj", "hello %d", 3);
	log_debug("flood", "dropped");
	log_debug("etc", "dropped");
	ck_assert_logged("T kvte-test[PID] DEBUG adj: hello 3\n");

	log_set_debug(" etcd , ,flood,");
	ck_assert(log_enabled(LOG_LVL_DEBUG, "etcd"));
	ck_assert(log_enabled(LOG_LVL_DEBUG, "flood"));
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "adj")); /* replaced, not added */
	ck_assert(!log_enabled(LOG_LVL_DEBUG, ""));

	log_set_debug("spf,all");
	ck_assert(log_enabled(LOG_LVL_DEBUG, "anything"));
	ck_assert(log_enabled(LOG_LVL_DEBUG, NULL));

	log_set_debug("");
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "etcd"));
	log_set_debug("allx,xall");
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "etcd"));
	ck_assert(log_enabled(LOG_LVL_DEBUG, "allx"));
	log_set_debug(NULL);
	ck_assert(!log_enabled(LOG_LVL_DEBUG, "allx"));
	log_set_debug(",,,");
	ck_assert(!log_enabled(LOG_LVL_DEBUG, ""));
	log_debug("adj", "dropped");
	ck_assert_logged("");
}
END_TEST

/* Level DEBUG shows every category's debug lines; categories only add. */
START_TEST(debug_level_enables_all)
{
	log_set_level(LOG_LVL_DEBUG);
	ck_assert(log_enabled(LOG_LVL_DEBUG, "flood"));
	log_debug("flood", "x");
	ck_assert_logged("T kvte-test[PID] DEBUG flood: x\n");
	/* Categories never lift the level for non-debug messages. */
	log_set_level(LOG_LVL_ERROR);
	log_set_debug("etcd");
	log_info("etcd", "dropped");
	log_debug("etcd", "kept");
	ck_assert_logged("T kvte-test[PID] DEBUG etcd: kept\n");
}
END_TEST

START_TEST(state_lines)
{
	log_state("adj", "adj r2/et1", "Initializing", "Up", "hello3way",
		  "neighbor saw us");
	log_state("adj", "adj r2/et1", "Up", "Down", "holdtimer", NULL);
	log_state("lsp", "lsp a", "down", "up", NULL, "path found");
	log_state("lsp", "lsp a", "up", "invalid", NULL, NULL);
	log_state("lsp", NULL, NULL, NULL, NULL, NULL);
	ck_assert_logged(
		"T kvte-test[PID] INFO  adj: adj r2/et1: Initializing -> Up (event hello3way, "
		"reason: neighbor saw us)\n"
		"T kvte-test[PID] INFO  adj: adj r2/et1: Up -> Down (event holdtimer)\n"
		"T kvte-test[PID] INFO  lsp: lsp a: down -> up (reason: path found)\n"
		"T kvte-test[PID] INFO  lsp: lsp a: up -> invalid\n"
		"T kvte-test[PID] INFO  lsp: ?: ? -> ?\n");
	/* INFO lines: gone at WARN. */
	log_set_level(LOG_LVL_WARN);
	log_state("adj", "x", "a", "b", "e", "r");
	ck_assert_logged("");
}
END_TEST

/* Peer-supplied text cannot split a line or smuggle terminal escapes; '%' in an
 * argument is printed as is. */
START_TEST(control_chars_escaped)
{
	log_warn("pdu", "bad hostname \"%s\"", "r1\nFAKE LINE\r\x1b[31m\x7f%s%n");
	ck_assert_logged("T kvte-test[PID] WARN  pdu: bad hostname "
			 "\"r1\\x0aFAKE LINE\\x0d\\x1b[31m\\x7f%s%n\"\n");
	log_info("x", "tab\there");
	ck_assert_logged("T kvte-test[PID] INFO  x: tab\\x09here\n");
	log_info("x", "utf-8 stays: caf\xc3\xa9");
	ck_assert_logged("T kvte-test[PID] INFO  x: utf-8 stays: caf\xc3\xa9\n");
}
END_TEST

START_TEST(long_message_whole)
{
	size_t n = 10000;
	char *big = malloc(n + 1), *want = malloc(n + 64);

	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	log_info("big", "%s|end", big);
	sprintf(want, "T kvte-test[PID] INFO  big: %s|end\n", big);
	ck_assert_logged(want);

	/* Long and escaped: every control byte grows to four. */
	memset(big, '\n', n);
	log_info("big", "%s", big);
	char *got = take();
	ck_assert_uint_eq(strlen(got), strlen("T kvte-test[PID] INFO  big: \n") + 4 * n);
	ck_assert(strstr(got, "\\x0a\\x0a\\x0a") != NULL);
	free(got);
	free(big);
	free(want);
}
END_TEST

START_TEST(ratelimit_window)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000, 3);

	fake_now = 5000;
	for (int i = 0; i < 6; i++)
		log_msg_rl(&rl, LOG_LVL_WARN, "pdu", "bad %d", i);
	ck_assert_logged("T kvte-test[PID] WARN  pdu: bad 0\n"
			 "T kvte-test[PID] WARN  pdu: bad 1\n"
			 "T kvte-test[PID] WARN  pdu: bad 2\n");
	ck_assert_uint_eq(rl.suppressed, 3);

	fake_now = 5999; /* still the same window */
	log_msg_rl(&rl, LOG_LVL_WARN, "pdu", "bad %d", 6);
	ck_assert_logged("");

	fake_now = 6000; /* new window: summary first, then the message */
	log_msg_rl(&rl, LOG_LVL_WARN, "pdu", "bad %d", 7);
	ck_assert_logged("T kvte-test[PID] WARN  pdu: (suppressed 4 similar messages)\n"
			 "T kvte-test[PID] WARN  pdu: bad 7\n");

	fake_now = 9000; /* nothing suppressed: no summary */
	log_msg_rl(&rl, LOG_LVL_WARN, "pdu", "bad %d", 8);
	ck_assert_logged("T kvte-test[PID] WARN  pdu: bad 8\n");
	ck_assert_uint_eq(rl.window_start_ms, 9000);
	ck_assert_uint_eq(rl.printed, 1);
}
END_TEST

/* The first call opens a window even at time 0 and with a zero-initialised limiter. */
START_TEST(ratelimit_clock_edges)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000, 1);

	fake_now = 0;
	log_msg_rl(&rl, LOG_LVL_ERROR, "c", "a");
	log_msg_rl(&rl, LOG_LVL_ERROR, "c", "b");
	fake_now = 999;
	log_msg_rl(&rl, LOG_LVL_ERROR, "c", "c");
	ck_assert_logged("T kvte-test[PID] ERROR c: a\n");

	/* A clock that jumps backwards opens a new window instead of muting forever. */
	fake_now = 50000;
	log_msg_rl(&rl, LOG_LVL_ERROR, "c", "d");
	fake_now = 100;
	log_msg_rl(&rl, LOG_LVL_ERROR, "c", "e");
	ck_assert_logged("T kvte-test[PID] ERROR c: (suppressed 2 similar messages)\n"
			 "T kvte-test[PID] ERROR c: d\n"
			 "T kvte-test[PID] ERROR c: e\n");

	/* burst 0: everything is suppressed, and counted. */
	struct log_ratelimit mute = LOG_RATELIMIT_INIT(10, 0);
	log_msg_rl(&mute, LOG_LVL_ERROR, "c", "x");
	log_msg_rl(&mute, LOG_LVL_ERROR, "c", "y");
	fake_now = 200;
	log_msg_rl(&mute, LOG_LVL_ERROR, "c", "z");
	ck_assert_logged("T kvte-test[PID] ERROR c: (suppressed 2 similar messages)\n");
	ck_assert_uint_eq(mute.suppressed, 1);

	/* A NULL limiter just logs. */
	log_msg_rl(NULL, LOG_LVL_ERROR, "c", "n");
	ck_assert_logged("T kvte-test[PID] ERROR c: n\n");
}
END_TEST

/* Messages below the level neither print nor use up the burst. */
START_TEST(ratelimit_ignores_disabled)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000, 2);

	for (int i = 0; i < 50; i++)
		log_msg_rl(&rl, LOG_LVL_DEBUG, "adj", "quiet %d", i);
	ck_assert_uint_eq(rl.printed, 0);
	ck_assert_uint_eq(rl.suppressed, 0);
	log_msg_rl(&rl, LOG_LVL_INFO, "adj", "one");
	log_msg_rl(&rl, LOG_LVL_INFO, "adj", "two");
	log_msg_rl(&rl, LOG_LVL_INFO, "adj", "three");
	ck_assert_logged("T kvte-test[PID] INFO  adj: one\nT kvte-test[PID] INFO  adj: two\n");

	log_set_debug("adj"); /* enabled category: debug lines are rate limited too */
	fake_now += 1000;
	log_msg_rl(&rl, LOG_LVL_DEBUG, "adj", "dbg");
	ck_assert_logged("T kvte-test[PID] DEBUG adj: (suppressed 1 similar messages)\n"
			 "T kvte-test[PID] DEBUG adj: dbg\n");
}
END_TEST

static void storm(int n)
{
	for (int i = 0; i < n; i++)
		LOG_RL(LOG_LVL_WARN, "flood", "bad lsp %d", i);
}

START_TEST(ratelimit_macro_per_site)
{
	char *got, *p;
	int lines = 0;

	storm(25);
	got = take();
	for (p = got; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_int_eq(lines, 10);
	ck_assert(strstr(got, "bad lsp 9\n") != NULL);
	ck_assert(strstr(got, "bad lsp 10\n") == NULL);
	free(got);

	fake_now += 4999;
	storm(1);
	ck_assert_logged("");
	fake_now += 1;
	storm(1);
	ck_assert_logged("T kvte-test[PID] WARN  flood: (suppressed 16 similar messages)\n"
			 "T kvte-test[PID] WARN  flood: bad lsp 0\n");
	/* Another call site has its own budget. */
	LOG_RL(LOG_LVL_WARN, "flood", "other site");
	ck_assert_logged("T kvte-test[PID] WARN  flood: other site\n");
}
END_TEST

START_TEST(clock_override)
{
	uint64_t a, b;

	fake_now = 123456;
	ck_assert_uint_eq(log_now_ms(), 123456);
	log_set_clock(NULL);
	a = log_now_ms();
	b = log_now_ms();
	ck_assert_uint_ne(a, 123456);
	ck_assert_uint_ge(b, a);
	ck_assert_uint_gt(a, 0);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, line_format);
	tcase_add_test(tc, level_names_padded);
	tcase_add_test(tc, progname_and_stream);
	tcase_add_test(tc, level_filter);
	tcase_add_test(tc, level_parse);
	tcase_add_test(tc, debug_categories);
	tcase_add_test(tc, debug_level_enables_all);
	tcase_add_test(tc, state_lines);
	tcase_add_test(tc, control_chars_escaped);
	tcase_add_test(tc, long_message_whole);
	tcase_add_test(tc, ratelimit_window);
	tcase_add_test(tc, ratelimit_clock_edges);
	tcase_add_test(tc, ratelimit_ignores_disabled);
	tcase_add_test(tc, ratelimit_macro_per_site);
	tcase_add_test(tc, clock_override);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
