/* kernel_netns — shared helpers for the kernel test suites (see kernel_netns.h). */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "tests/support/kernel_netns.h"

void kn_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "`%s` failed (status %d)", cmd, rc);
}

char *kn_output(const char *cmd)
{
	static char out[65536];
	size_t n = 0, r;
	FILE *f = popen(cmd, "r");

	ck_assert_ptr_nonnull(f);
	while (n < sizeof(out) - 1 && (r = fread(out + n, 1, sizeof(out) - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	ck_assert_msg(pclose(f) == 0, "`%s` failed: %s", cmd, out);
	return out;
}

const char *kn_cannot_run(void)
{
	pid_t pid;
	int st;

	if (geteuid() != 0)
		return "needs root";
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) != 0)
			_exit(1);
		_exit(system("ip link add veth0 type veth peer name veth1 2>/dev/null") == 0
			      ? 0
			      : 2);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return "probe child failed";
	if (WEXITSTATUS(st) == 1)
		return "unshare(CLONE_NEWNET) not permitted";
	if (WEXITSTATUS(st) == 2)
		return "cannot create veth pairs (ip(8) or CONFIG_VETH missing)";
	return NULL;
}

int kn_main(const char *name, const char *why, Suite *(*make_suite)(void))
{
	SRunner *sr;
	int failed;

	if (why) {
		fprintf(stderr, "%s skipped: %s\n", name, why);
		return 77;
	}
	log_init(name, NULL);
	sr = srunner_create(make_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
