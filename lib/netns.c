/* netns — switching the calling thread's network namespace around socket creation
 * (setns(2) with CLONE_NEWNET; see lib/netns.h). */
#include "lib/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

int netns_open(const char *name, char *err, size_t errlen)
{
	char path[300];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "network namespace %s: %s%s", path, strerror(e),
			 e == ENOENT ? " (create it with `ip netns add`)" : "");
		return -e;
	}
	return fd;
}

int netns_enter(int fd, char *err, size_t errlen)
{
	int self;

	if (fd < 0)
		return -1;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open our own network namespace: %s", strerror(e));
		return -e < -1 ? -e : -2;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		snprintf(err, errlen, "setns: %s%s", strerror(e),
			 e == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		close(self);
		return -e < -1 ? -e : -2;
	}
	return self;
}

void netns_leave(int token)
{
	if (token < 0)
		return;
	if (setns(token, CLONE_NEWNET) < 0)
		log_err("netns", "cannot return to our network namespace: %s", strerror(errno));
	close(token);
}
