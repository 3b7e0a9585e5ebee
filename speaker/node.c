/* node — the node's advertisement, local SIDs and SPF adjacency table from its
 * configuration and circuit state (see speaker/node.h for the rules and the SID
 * layout). Pure; called by speaker/speaker.c after every configuration, netlink or
 * adjacency change; its output goes to speaker/originate.c, speaker/spf.c and the etcd
 * export (speaker/export.c). */
#include "speaker/node.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "speaker/adj.h"

static float bytes_per_s(uint64_t bps)
{
	return (float)((double)bps / 8.0);
}

static void fill_link(const struct speaker_config *cfg, const struct speaker_circ *c,
		      struct isis_orig_link *l)
{
	const struct speaker_te *te = &c->cfg->te;

	memset(l, 0, sizeof(*l));
	memcpy(l->nbr, c->nbr_sysid, ISIS_SYSID_LEN);
	l->metric = c->cfg->metric;
	if (te->has_admin_groups) {
		l->has |= ISIS_ORIG_ADMIN_GROUP;
		l->admin_group = te->admin_groups;
	}
	if (c->n4 > 0 && c->nbr4.family == AF_INET) {
		/* our address in the neighbor's subnet (the first one if none is) */
		size_t k = 0;

		for (size_t j = 0; j < c->n4; j++) {
			prefix_t p;

			if (prefix_make(&c->addr4[j].addr, c->addr4[j].len, &p) == 0 &&
			    prefix_contains(&p, &c->nbr4)) {
				k = j;
				break;
			}
		}
		l->has |= ISIS_ORIG_IPV4;
		memcpy(l->local4, c->addr4[k].addr.bytes, 4);
		memcpy(l->remote4, c->nbr4.bytes, 4);
	}
	if (te->has_max_bw) {
		l->has |= ISIS_ORIG_MAX_BW;
		l->max_bw = bytes_per_s(te->max_bw_bps);
	}
	if (te->has_rsv_bw || te->has_max_bw) {
		uint64_t rsv = te->has_rsv_bw ? te->rsv_bw_bps : te->max_bw_bps;

		l->has |= ISIS_ORIG_MAX_RSV_BW | ISIS_ORIG_UNRSV_BW;
		l->max_rsv_bw = bytes_per_s(rsv);
		for (int k = 0; k < 8; k++)
			l->unrsv_bw[k] = l->max_rsv_bw;
	}
	if (te->has_te_metric) {
		l->has |= ISIS_ORIG_TE_METRIC;
		l->te_metric = te->te_metric;
	}
	if (te->has_delay) {
		l->has |= ISIS_ORIG_DELAY | ISIS_ORIG_MINMAX_DELAY;
		l->delay_us = te->delay_us;
		l->min_delay_us = te->delay_us;
		l->max_delay_us = te->delay_us;
	}
	addr_t sid;

	if ((cfg->srv6_behaviors & SPEAKER_SRV6_END_X) &&
	    speaker_sid(cfg, (uint16_t)(SPEAKER_FUNC_END_X + c->index + 1), &sid) == 0) {
		l->has |= ISIS_ORIG_ENDX;
		memcpy(l->endx_sid, sid.bytes, 16);
		l->endx_behavior = SRV6_BEHAVIOR_END_X;
	}
	uint32_t label = speaker_adj_label(cfg, c->index);

	if (label) {
		l->has |= ISIS_ORIG_ADJ_SID;
		l->adj_label = label;
		if (l->has & ISIS_ORIG_IPV4)
			l->adj_sid_af |= ISIS_ORIG_ADJ_IPV4;
		if (c->nbr6.family == AF_INET6)
			l->adj_sid_af |= ISIS_ORIG_ADJ_IPV6;
	}
	l->n_srlgs = te->n_srlgs < ISIS_ORIG_MAX_SRLGS ? te->n_srlgs : ISIS_ORIG_MAX_SRLGS;
	memcpy(l->srlgs, te->srlgs, l->n_srlgs * sizeof(l->srlgs[0]));
}

/* Append a prefix (host bits cleared) unless already present; keeps the first metric. */
static void add_prefix(struct isis_orig_prefix *v, size_t *n, const prefix_t *p,
		       uint32_t metric)
{
	prefix_t q;

	if (*n >= SPEAKER_MAX_PREFIXES || prefix_make(&p->addr, p->len, &q) < 0)
		return;
	for (size_t i = 0; i < *n; i++)
		if (v[i].plen == q.len && memcmp(v[i].addr, q.addr.bytes, 16) == 0)
			return;
	memset(&v[*n], 0, sizeof(v[*n]));
	memcpy(v[*n].addr, q.addr.bytes, 16);
	v[*n].plen = q.len;
	v[*n].metric = metric;
	(*n)++;
}

void speaker_node_desc(const struct speaker_config *cfg, const struct speaker_circ *c,
		       size_t n, struct speaker_node_desc *out)
{
	struct isis_orig_desc *d = &out->d;
	size_t nl = 0, n4 = 0, n6 = 0;
	addr_t sid;

	memset(d, 0, sizeof(*d));
	d->hostname = cfg->hostname;
	d->areas[0] = cfg->area;
	d->nareas = 1;
	d->ipv4 = d->ipv6 = true;
	d->has_router_id = cfg->router_id.family == AF_INET;
	memcpy(d->router_id, cfg->router_id.bytes, 4);
	d->overload = cfg->overload;
	for (size_t i = 0; i < cfg->n_loopbacks; i++) {
		const prefix_t *p = &cfg->loopbacks[i];

		if (p->addr.family == AF_INET) {
			add_prefix(out->ip4, &n4, p, 0);
		} else {
			add_prefix(out->ip6, &n6, p, 0);
			if (!d->has_router_id6) {
				d->has_router_id6 = true;
				memcpy(d->router_id6, p->addr.bytes, 16);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!c[i].present || !c[i].carrier)
			continue;
		if (c[i].adj_up && !c[i].cfg->passive && nl < SPEAKER_MAX_IFACES)
			fill_link(cfg, &c[i], &out->links[nl++]);
		for (size_t k = 0; k < c[i].n4; k++)
			add_prefix(out->ip4, &n4, &c[i].addr4[k], c[i].cfg->metric);
		for (size_t k = 0; k < c[i].n6; k++)
			add_prefix(out->ip6, &n6, &c[i].addr6[k], c[i].cfg->metric);
	}
	if (cfg->has_locator && speaker_sid(cfg, 0, &sid) == 0) {
		d->has_cap = d->has_router_id;
		d->has_locator = true;
		memcpy(d->locator, cfg->locator.addr.bytes, 16);
		d->locator_len = cfg->locator.len;
		memcpy(d->end_sid, sid.bytes, 16);
		/* 0: the locator is advertised without an End SID */
		d->end_behavior = (cfg->srv6_behaviors & SPEAKER_SRV6_END) ? SRV6_BEHAVIOR_END : 0;
		/* RFC 9352 9: locator block, node, function (16 bits), argument (none) */
		d->sid_structure[0] = (uint8_t)(cfg->locator.len - 16);
		d->sid_structure[1] = 16;
		d->sid_structure[2] = 16;
		if ((cfg->srv6_behaviors & SPEAKER_SRV6_END_DT6) &&
		    speaker_sid(cfg, SPEAKER_FUNC_END_DT6, &sid) == 0) {
			memcpy(d->extra_sids[d->n_extra_sids].sid, sid.bytes, 16);
			d->extra_sids[d->n_extra_sids++].behavior = SRV6_BEHAVIOR_END_DT6;
		}
		if ((cfg->srv6_behaviors & SPEAKER_SRV6_END_DX4) &&
		    speaker_sid(cfg, SPEAKER_FUNC_END_DX4, &sid) == 0) {
			memcpy(d->extra_sids[d->n_extra_sids].sid, sid.bytes, 16);
			d->extra_sids[d->n_extra_sids++].behavior = SRV6_BEHAVIOR_END_DX4;
		}
		/* RFC 9352 7.1: the locator is also IPv6 reachability, for routers
		 * that do not understand TLV 27 */
		add_prefix(out->ip6, &n6, &cfg->locator, 0);
	}
	if (cfg->has_sr_mpls) {
		d->has_sr_mpls = true;
		d->srgb_base = cfg->srgb_base;
		d->srgb_range = cfg->srgb_range;
	}
	d->links = out->links;
	d->nlinks = nl;
	d->ip4 = out->ip4;
	d->nip4 = n4;
	d->ip6 = out->ip6;
	d->nip6 = n6;
}

int speaker_sid(const struct speaker_config *cfg, uint16_t func, addr_t *out)
{
	unsigned len = cfg->locator.len;

	if (!cfg->has_locator || len < 16 || len > 112 || len % 16 != 0)
		return -EINVAL;
	*out = cfg->locator.addr;
	out->bytes[len / 8] = (uint8_t)(func >> 8);
	out->bytes[len / 8 + 1] = (uint8_t)func;
	return 0;
}

size_t speaker_local_sids(const struct speaker_config *cfg, const struct speaker_circ *c,
			  size_t n, struct speaker_local_sid *out, size_t cap)
{
	size_t k = 0;
	addr_t sid;

	if (!cfg->has_locator)
		return 0;
	if ((cfg->srv6_behaviors & SPEAKER_SRV6_END) && k < cap && speaker_sid(cfg, 0, &sid) == 0)
		out[k++] = (struct speaker_local_sid){sid, SRV6_BEHAVIOR_END, NULL};
	if ((cfg->srv6_behaviors & SPEAKER_SRV6_END_DX4) && k < cap &&
	    speaker_sid(cfg, SPEAKER_FUNC_END_DX4, &sid) == 0)
		out[k++] = (struct speaker_local_sid){sid, SRV6_BEHAVIOR_END_DX4, NULL};
	if ((cfg->srv6_behaviors & SPEAKER_SRV6_END_DT6) && k < cap &&
	    speaker_sid(cfg, SPEAKER_FUNC_END_DT6, &sid) == 0)
		out[k++] = (struct speaker_local_sid){sid, SRV6_BEHAVIOR_END_DT6, NULL};
	for (size_t i = 0; i < n && k < cap; i++) {
		if (!(cfg->srv6_behaviors & SPEAKER_SRV6_END_X) || !c[i].adj_up ||
		    !c[i].present || !c[i].carrier || c[i].nbr6.family != AF_INET6)
			continue;
		if (speaker_sid(cfg, (uint16_t)(SPEAKER_FUNC_END_X + c[i].index + 1), &sid) == 0)
			out[k++] = (struct speaker_local_sid){sid, SRV6_BEHAVIOR_END_X, &c[i]};
	}
	/* sorted by SID: End (function 0) < DX4 0xd4 < DT6 0xd6 < End.X 0xe000+n, and End.X
	 * in circuit index order, so the order above already is the sorted one */
	return k;
}

size_t speaker_local_labels(const struct speaker_config *cfg, const struct speaker_circ *c,
			    size_t n, struct speaker_local_label *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < cap; i++) {
		uint32_t label = speaker_adj_label(cfg, c[i].index);

		if (!label || !c[i].adj_up || !c[i].present || !c[i].carrier || c[i].cfg->passive)
			continue;
		out[k].label = label;
		out[k].circ = &c[i];
		if (c[i].nbr4.family == AF_INET)
			out[k].nh = c[i].nbr4;
		else if (c[i].nbr6.family == AF_INET6)
			out[k].nh = c[i].nbr6;
		else
			continue;
		k++;
	}
	return k;
}

size_t speaker_spf_adjs(const struct speaker_circ *c, size_t n, struct isis_spf_adj *out,
			size_t *circ_of)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!c[i].adj_up || !c[i].present || !c[i].carrier)
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		memcpy(out[k].sysid, c[i].nbr_sysid, ISIS_SYSID_LEN);
		out[k].ifindex = c[i].ifindex;
		snprintf(out[k].ifname, sizeof(out[k].ifname), "%s", c[i].cfg->name);
		out[k].addr4 = c[i].nbr4;
		out[k].addr6 = c[i].nbr6;
		if (circ_of)
			circ_of[k] = i;
		k++;
	}
	return k;
}
