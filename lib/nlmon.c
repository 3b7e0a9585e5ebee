/* nlmon — interfaces, carrier and addresses from rtnetlink (rtnetlink(7): RTM_NEWLINK,
 * RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR and their multicast groups), as a table that
 * reports each change as a diff. The table and its message parser are pure; the
 * monitor below them owns two libmnl sockets (a blocking one for dumps, a
 * non-blocking one subscribed to the groups and polled by libuv) and re-dumps on
 * ENOBUFS. Both sockets are created by nlmon_open, so a caller that opens it inside
 * another network namespace (lib/netns.h) monitors that namespace. See lib/nlmon.h; used by the speaker (speaker/speaker.c) and the agent. */
#include "lib/nlmon.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/log.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000	/* linux/if.h; <net/if.h> lacks it */
#endif

void nlmon_table_init(struct nlmon_table *t)
{
	memset(t, 0, sizeof(*t));
}

void nlmon_table_free(struct nlmon_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static size_t lower_bound(const struct nlmon_table *t, uint32_t ifindex)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct nlmon_link *nlmon_table_find(const struct nlmon_table *t, uint32_t ifindex)
{
	size_t i = lower_bound(t, ifindex);

	return i < t->n && t->v[i].ifindex == ifindex ? &t->v[i] : NULL;
}

const struct nlmon_link *nlmon_table_find_name(const struct nlmon_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

static int addr_entry_cmp(const struct nlmon_addr *a, const struct nlmon_addr *b)
{
	int c = addr_cmp(&a->addr, &b->addr);

	return c ? c : (int)a->plen - (int)b->plen;
}

static unsigned link_diff(const struct nlmon_link *o, const struct nlmon_link *n)
{
	unsigned what = 0;

	if (o->carrier != n->carrier)
		what |= NLMON_CARRIER;
	if (o->mtu != n->mtu)
		what |= NLMON_MTU;
	if (strcmp(o->name, n->name) != 0)
		what |= NLMON_NAME;
	if (o->has_mac != n->has_mac || memcmp(o->mac, n->mac, 6) != 0)
		what |= NLMON_MAC;
	if (o->naddr != n->naddr)
		what |= NLMON_ADDRS;
	else
		for (size_t i = 0; i < o->naddr; i++)
			if (addr_entry_cmp(&o->addr[i], &n->addr[i]) != 0 ||
			    o->addr[i].scope != n->addr[i].scope)
				what |= NLMON_ADDRS;
	return what;
}

/* Insert or replace the entry for l->ifindex, reporting the change. */
static int table_put(struct nlmon_table *t, const struct nlmon_link *l, nlmon_change_fn fn,
		     void *arg)
{
	size_t i = lower_bound(t, l->ifindex);

	if (i < t->n && t->v[i].ifindex == l->ifindex) {
		struct nlmon_link old = t->v[i];
		unsigned what = link_diff(&old, l);

		t->v[i] = *l;
		if (what && fn)
			fn(&old, &t->v[i], what, arg);
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct nlmon_link *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->v[i] = *l;
	t->n++;
	if (fn)
		fn(NULL, &t->v[i], NLMON_ADDED, arg);
	return 0;
}

static void table_del(struct nlmon_table *t, uint32_t ifindex, nlmon_change_fn fn, void *arg)
{
	size_t i = lower_bound(t, ifindex);

	if (i >= t->n || t->v[i].ifindex != ifindex)
		return;
	struct nlmon_link old = t->v[i];

	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
	if (fn)
		fn(&old, NULL, NLMON_REMOVED, arg);
}

static int apply_link(struct nlmon_table *t, const struct nlmsghdr *nlh, nlmon_change_fn fn,
		      void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (ifi->ifi_index <= 0)
		return -EBADMSG;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		table_del(t, (uint32_t)ifi->ifi_index, fn, arg);
		return 0;
	}
	const struct nlmon_link *cur = nlmon_table_find(t, (uint32_t)ifi->ifi_index);
	struct nlmon_link l;

	if (cur) {
		l = *cur;	/* addresses are kept: RTM_NEWLINK does not carry them */
	} else {
		memset(&l, 0, sizeof(l));
		l.ifindex = (uint32_t)ifi->ifi_index;
	}
	l.flags = ifi->ifi_flags;
	l.carrier = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP);
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		uint16_t type = mnl_attr_get_type(a);
		uint16_t plen = mnl_attr_get_payload_len(a);

		switch (type) {
		case IFLA_IFNAME:
			if (plen == 0 || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -EBADMSG;
			snprintf(l.name, sizeof(l.name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			l.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (plen == 6) {
				l.has_mac = true;
				memcpy(l.mac, mnl_attr_get_payload(a), 6);
			}
			break;
		}
	}
	if (l.name[0] == '\0')
		return -EBADMSG;
	return table_put(t, &l, fn, arg);
}

static int apply_addr(struct nlmon_table *t, const struct nlmsghdr *nlh, nlmon_change_fn fn,
		      void *arg)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *local = NULL, *address = NULL;
	struct nlmon_addr e;

	memset(&e, 0, sizeof(e));
	if (ifa->ifa_family == AF_INET)
		e.addr.family = AF_INET;
	else if (ifa->ifa_family == AF_INET6)
		e.addr.family = AF_INET6;
	else
		return 0;
	size_t alen = e.addr.family == AF_INET ? 4 : 16;

	if (ifa->ifa_prefixlen > alen * 8)
		return -EBADMSG;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type == IFA_LOCAL)
			local = a;
		else if (type == IFA_ADDRESS)
			address = a;
	}
	/* IPv4: IFA_LOCAL is ours (IFA_ADDRESS is the peer on point-to-point links);
	 * IPv6 carries only IFA_ADDRESS unless a peer is configured. */
	a = local ? local : address;
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return -EBADMSG;
	memcpy(e.addr.bytes, mnl_attr_get_payload(a), alen);
	e.plen = ifa->ifa_prefixlen;
	e.scope = ifa->ifa_scope;

	const struct nlmon_link *cur = nlmon_table_find(t, ifa->ifa_index);

	if (!cur)
		return 0;	/* an address of a link we have not seen (yet): the dump has it */
	struct nlmon_link l = *cur;
	size_t i = 0;

	while (i < l.naddr && addr_entry_cmp(&l.addr[i], &e) < 0)
		i++;
	bool present = i < l.naddr && addr_entry_cmp(&l.addr[i], &e) == 0;

	if (nlh->nlmsg_type == RTM_DELADDR) {
		if (!present)
			return 0;
		memmove(&l.addr[i], &l.addr[i + 1], (l.naddr - i - 1) * sizeof(e));
		l.naddr--;
	} else if (present) {
		l.addr[i] = e;
	} else if (l.naddr == NLMON_MAX_ADDRS) {
		if (l.addr_overflow)
			return 0;
		LOG_RL(LOG_LVL_WARN, "nlmon", "%s: more than %d addresses, the rest ignored", l.name,
		       NLMON_MAX_ADDRS);
		l.addr_overflow = true;
	} else {
		memmove(&l.addr[i + 1], &l.addr[i], (l.naddr - i) * sizeof(e));
		l.addr[i] = e;
		l.naddr++;
	}
	return table_put(t, &l, fn, arg);
}

int nlmon_table_apply(struct nlmon_table *t, const void *msg, size_t len, nlmon_change_fn fn,
		      void *arg)
{
	const struct nlmsghdr *nlh = msg;

	if (len < sizeof(*nlh) || !mnl_nlmsg_ok(nlh, (int)len))
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg)))
			return -EBADMSG;
		return apply_link(t, nlh, fn, arg);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifaddrmsg)))
			return -EBADMSG;
		return apply_addr(t, nlh, fn, arg);
	default:
		return 0;
	}
}

void nlmon_table_diff(const struct nlmon_table *old, const struct nlmon_table *new,
		      nlmon_change_fn fn, void *arg)
{
	size_t i = 0, j = 0;

	if (!fn)
		return;

	while (i < old->n || j < new->n) {
		if (j >= new->n || (i < old->n && old->v[i].ifindex < new->v[j].ifindex)) {
			fn(&old->v[i], NULL, NLMON_REMOVED, arg);
			i++;
		} else if (i >= old->n || new->v[j].ifindex < old->v[i].ifindex) {
			fn(NULL, &new->v[j], NLMON_ADDED, arg);
			j++;
		} else {
			unsigned what = link_diff(&old->v[i], &new->v[j]);

			if (what)
				fn(&old->v[i], &new->v[j], what, arg);
			i++;
			j++;
		}
	}
}

const char *nlmon_what_str(unsigned what, char *buf, size_t len)
{
	static const char *const names[] = {"added", "removed", "carrier", "mtu", "addrs",
					    "name", "mac"};
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(what & (1u << i)))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", names[i]);

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* ---- the edge ---------------------------------------------------------------- */

struct nlmon {
	uv_loop_t *loop;
	struct mnl_socket *dump;	/* blocking, for dumps (created with ev: same netns) */
	struct mnl_socket *ev;		/* subscribed to the groups, non-blocking */
	uv_poll_t poll;
	struct nlmon_table t;
	nlmon_change_fn fn;
	void *arg;
	uint8_t *buf;
	uint64_t resyncs;
};

#define NLMON_BUFSZ (1u << 16)

struct dump_ctx {
	struct nlmon_table *t;
	int err;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	int rc = nlmon_table_apply(d->t, nlh, nlh->nlmsg_len, NULL, NULL);

	if (rc == -ENOMEM) {
		d->err = rc;
		return MNL_CB_ERROR;
	}
	if (rc < 0)
		LOG_RL(LOG_LVL_WARN, "nlmon", "dump: malformed netlink message type %u ignored",
		       nlh->nlmsg_type);
	return MNL_CB_OK;
}

static int dump_one(struct mnl_socket *s, uint8_t *buf, uint16_t type, struct nlmon_table *t,
		    char *err, size_t errlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	uint32_t seq = (uint32_t)time(NULL) ^ type;
	uint32_t portid = mnl_socket_get_portid(s);
	struct dump_ctx d = {t, 0};

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = AF_UNSPEC;
	} else {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = AF_UNSPEC;
	}
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "netlink dump request: %s", strerror(errno));
		return -errno;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s, buf, NLMON_BUFSZ);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "netlink dump: %s", strerror(errno));
			return -errno;
		}
		int rc = mnl_cb_run(buf, (size_t)n, seq, portid, dump_cb, &d);

		if (rc == MNL_CB_STOP)
			return 0;
		if (rc == MNL_CB_ERROR) {
			if (d.err) {
				snprintf(err, errlen, "netlink dump: out of memory");
				return d.err;
			}
			snprintf(err, errlen, "netlink dump: %s", strerror(errno));
			return -errno;
		}
	}
}

/* A full dump into t (links first, so addresses find their link). */
static int dump_all(struct mnl_socket *s, struct nlmon_table *t, char *err, size_t errlen)
{
	uint8_t *buf = malloc(NLMON_BUFSZ);
	int rc;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = dump_one(s, buf, RTM_GETLINK, t, err, errlen);
	if (rc == 0)
		rc = dump_one(s, buf, RTM_GETADDR, t, err, errlen);
	free(buf);
	return rc;
}

static int resync(struct nlmon *m)
{
	struct nlmon_table fresh;
	char err[160];
	int rc;

	nlmon_table_init(&fresh);
	rc = dump_all(m->dump, &fresh, err, sizeof(err));
	if (rc < 0) {
		log_err("nlmon", "resync failed: %s (keeping the last known state)", err);
		nlmon_table_free(&fresh);
		return rc;
	}
	m->resyncs++;
	struct nlmon_table old = m->t;

	m->t = fresh;
	nlmon_table_diff(&old, &m->t, m->fn, m->arg);
	nlmon_table_free(&old);
	return 0;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlmon *m = data;
	int rc = nlmon_table_apply(&m->t, nlh, nlh->nlmsg_len, m->fn, m->arg);

	if (rc == -EBADMSG)
		LOG_RL(LOG_LVL_WARN, "nlmon", "malformed netlink message type %u ignored",
		       nlh->nlmsg_type);
	else if (rc == -ENOMEM)
		log_err("nlmon", "out of memory applying a netlink event");
	return MNL_CB_OK;
}

static void on_readable(uv_poll_t *p, int status, int events)
{
	struct nlmon *m = p->data;

	if (status < 0) {
		log_err("nlmon", "poll: %s", uv_strerror(status));
		return;
	}
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(mnl_socket_get_fd(m->ev), m->buf, NLMON_BUFSZ, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			if (errno == ENOBUFS) {
				log_warn("nlmon", "netlink events lost (ENOBUFS): re-reading links "
					 "and addresses");
				resync(m);
				continue;
			}
			log_err("nlmon", "netlink recv: %s", strerror(errno));
			return;
		}
		/* portid 0, seq 0: multicast notifications */
		mnl_cb_run(m->buf, (size_t)n, 0, 0, event_cb, m);
	}
}

int nlmon_open(uv_loop_t *loop, nlmon_change_fn fn, void *arg, struct nlmon **out, char *err,
	       size_t errlen)
{
	struct nlmon *m = calloc(1, sizeof(*m));
	int rc;

	if (!m || !(m->buf = malloc(NLMON_BUFSZ))) {
		free(m);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	m->loop = loop;
	m->fn = fn;
	m->arg = arg;
	nlmon_table_init(&m->t);
	/* subscribe first, then dump: no change between the two is missed (events that
	 * the dump already reflects are applied again, which changes nothing) */
	m->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->ev) {
		rc = -errno;
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(m->ev, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		snprintf(err, errlen, "netlink bind: %s", strerror(errno));
		goto fail;
	}
	int rcvbuf = 4 << 20;

	setsockopt(mnl_socket_get_fd(m->ev), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	m->dump = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!m->dump || mnl_socket_bind(m->dump, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		snprintf(err, errlen, "netlink dump socket: %s", strerror(errno));
		goto fail;
	}
	rc = dump_all(m->dump, &m->t, err, errlen);
	if (rc < 0)
		goto fail;
	if (fn)
		for (size_t i = 0; i < m->t.n; i++)
			fn(NULL, &m->t.v[i], NLMON_ADDED, arg);
	rc = uv_poll_init(loop, &m->poll, mnl_socket_get_fd(m->ev));
	if (rc < 0) {
		snprintf(err, errlen, "uv_poll_init: %s", uv_strerror(rc));
		goto fail;
	}
	m->poll.data = m;
	uv_poll_start(&m->poll, UV_READABLE, on_readable);
	*out = m;
	return 0;
fail:
	if (m->ev)
		mnl_socket_close(m->ev);
	if (m->dump)
		mnl_socket_close(m->dump);
	nlmon_table_free(&m->t);
	free(m->buf);
	free(m);
	return rc;
}

const struct nlmon_table *nlmon_table(const struct nlmon *m)
{
	return &m->t;
}

static void on_closed(uv_handle_t *h)
{
	struct nlmon *m = h->data;

	mnl_socket_close(m->ev);
	mnl_socket_close(m->dump);
	nlmon_table_free(&m->t);
	free(m->buf);
	free(m);
}

void nlmon_close(struct nlmon *m)
{
	if (!m)
		return;
	uv_poll_stop(&m->poll);
	uv_close((uv_handle_t *)&m->poll, on_closed);
}
