/* kernel_netns — shared helpers for the Check suites under tests/kernel/, which run
 * every test case in a forked child inside its own network namespace: running a shell
 * command (ip(8), sysctl writes) that must succeed, capturing a command's output, the
 * probe that decides whether this machine can run them at all (root, unshare of a
 * network namespace, a veth pair in it), and the main() they share (exit 77 with the
 * reason on stderr when skipped, else every test forked, EXIT_SUCCESS or EXIT_FAILURE).
 * Used by tests/kernel/test_nl_route.c, test_nlmon.c and test_mpls_dataplane.c; Check
 * assertions inside. */
#ifndef KVTE_TESTS_SUPPORT_KERNEL_NETNS_H
#define KVTE_TESTS_SUPPORT_KERNEL_NETNS_H

#include <check.h>

/* system() of the formatted command (at most 1 KiB); fails the test unless it exits 0. */
void kn_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Output of cmd (at most 64 KiB, NUL-terminated; a static buffer, overwritten by the
 * next call); fails the test unless cmd exits 0. */
char *kn_output(const char *cmd);
/* NULL when this process is root and can make a network namespace with a veth pair in
 * it; else why not (a sentence for the skip message). */
const char *kn_cannot_run(void);
/* The suite's main(): with why != NULL prints "<name> skipped: <why>" and returns 77;
 * else log_init(name), runs make_suite()'s tests each in a forked child and returns
 * EXIT_SUCCESS when nothing failed, EXIT_FAILURE otherwise. */
int kn_main(const char *name, const char *why, Suite *(*make_suite)(void));

#endif
