/* exa_config — ExaBGP 4.2 configuration and environment for one node of a lab
 * topology (deploy/lab/topologies/, e.g. seed.json: nodes.<n>.bgp.peers[{node, peer_as}],
 * nodes.<n>.bgp.announce, domains.<d>.asn, nodes.<n>.loopback/loopback6, links with
 * a/b "<node>:<if>" and a_addr/b_addr): one neighbor per peer over the link between
 * the two nodes (local-address, router-id = loopback, local-as, peer-as), kvte-bgp as
 * the `process` with the api block the notes require (neighbor-changes; receive
 * parsed/update/notification), and the env settings found necessary
 * (/work/shared/notes/exabgp-api.md §1, §5): api ack on, no CLI pipes, json encoder,
 * a unique pipename, no daemonizing, user root without dropping privileges, listening
 * on the peering addresses. With no kvte-bgp path the node is a plain speaker that
 * announces its bgp.announce prefixes (the lab's external routers). Pure: returns
 * text; `kvte-bgp gen-config` writes the files. tests/golden/bgp/. */
#ifndef KVTE_BGP_EXA_CONFIG_H
#define KVTE_BGP_EXA_CONFIG_H

#include <jansson.h>
#include <stddef.h>

struct exa_config_opts {
	const char *node;
	const char *source;    /* topology file name, for messages and the header */
	const char *kvte_bgp;  /* absolute path of kvte-bgp; NULL: no process */
	const char *etcd;      /* kvte-bgp --etcd (NULL: its default) */
	const char *root;      /* kvte-bgp --root (NULL: default) */
	const char *extra;     /* more kvte-bgp arguments, space separated (may be NULL) */
	const char *log_file;  /* ExaBGP's log destination (NULL: stdout) */
	unsigned hold_time;    /* 0: 9 s */
};

/* Returns 0 with malloc'd *conf and *env, or -EINVAL with the reason in err (unknown
 * node, a peer without a link to it, no AS for its domain, unsafe characters in a
 * path or argument). */
int exa_config_generate(const json_t *topo, const struct exa_config_opts *o, char **conf,
			char **env, char *err, size_t errlen);

#endif
