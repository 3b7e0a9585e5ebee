/* ctl_etcd — kvte-controller's etcd I/O: watches, election, fenced diff writes.
 *
 * Implements te-controller/ctl_etcd.h (DESIGN §5 key layout and transactions, §8 HA;
 * docs/keys.md "Leader fencing"; docs/controller.md "The daemon"). Inputs feed the
 * TED (te-controller/ted.c) and a request table; te/ is watched by every instance
 * (te/paths and te/links values plus te/leader), rib/<node>/{te,protect}/ are read
 * per node when leadership is won and then followed by a rib/ watch. The plan
 * (te-controller/plan.c) runs from a zero/hold-down timer, so a burst of events
 * costs one computation; its result is diffed against the held copy and written as
 * one split transaction fenced on te/leader's create revision. The held copy is
 * updated from the watches and from our own committed writes, newest revision wins,
 * so echoes and late events never resurrect a stale value. Uses lib/etcd/etcd.h,
 * lib/keys.h, lib/log.h. */
#include "te-controller/ctl_etcd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "lib/timefmt.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/plan.h"
#include "te-controller/ted.h"

#define CAT "ctl"
#define RETRY_MS 1000

enum src { SRC_TED, SRC_SPK, SRC_LSPS, SRC_GROUPS, SRC_TE, SRC_STATE, SRC_RIB, SRC_COUNT };

static const char *const src_name[SRC_COUNT] = { "ted/lsp/", "speakers/", "config/lsps/",
						 "config/admin-groups", "te/", "state/",
						 "rib/" };

struct wsrc {
	struct ctl *c;
	enum src kind;
};

struct ctl {
	uv_loop_t *loop;
	keys_t keys;
	etcd_client *ec;
	char id[160];
	char host[256];
	unsigned hold_down_ms, ttl_s;
	bool no_leader_watch;
	char pfx[SRC_COUNT][KEYS_MAX];
	char key_leader[KEYS_MAX];

	/* inputs */
	ted_t ted;
	json_t *ted_keys, *spk_keys; /* key -> true: what the store holds, for resyncs */
	json_t *reqs;                /* LSP name -> {"v": value | "e": error, "r": rev} */
	bool have_groups;
	struct admin_groups groups;
	json_t *agents;    /* node -> applied revision of its running agent (state/<node>/agent) */
	json_t *mbb_heads; /* node -> true: head ends an LSP's make-before-break waits for */

	struct wsrc wsrc[SRC_COUNT];
	etcd_watch *w[SRC_COUNT];
	bool snap[SRC_COUNT];

	/* what etcd holds at owned keys: key -> [value | null, revision] */
	json_t *held;
	int64_t leader_key_create; /* te/leader's create revision per the te/ watch; 0 absent */
	int64_t leader_key_rev;    /* revision of that news */

	/* election */
	etcd_lease *lease;
	bool lease_ok, campaigning;
	bool leader;
	int64_t fence;
	uint64_t term; /* bumped on every leadership change */
	bool rib_loading, rib_loaded, rib_failed;
	unsigned rib_pending;
	int64_t rib_rev;

	/* computation and writes */
	uv_timer_t timer, retry, closer;
	bool dirty, writing, write_failed, computed_once;
	uint64_t last_compute;
	struct cspf_ws *ws;
	struct ctl_stats st;

	/* closing */
	bool closing;
	int pending_close;
	void (*closed)(void *);
	void *closed_arg;
};

static void step(ctl_t *c);
static void campaign(ctl_t *c);

/* ---- small helpers -------------------------------------------------------------------- */

static bool owned_family(int f)
{
	return f == KEY_TE_PATH || f == KEY_TE_LINK || f == KEY_RIB_TE_TUNNEL ||
	       f == KEY_RIB_PROTECT;
}

/* Set what etcd holds at key (value NULL: absent) as of rev. Older news is ignored
 * (except that an older revision of the very same value is the true one: our own write
 * is recorded at the revision its transaction returned, the last part of a split one).
 * Returns whether the held value changed. */
static bool held_set(ctl_t *c, const char *key, const char *value, size_t len, int64_t rev)
{
	json_t *e = json_object_get(c->held, key);
	const char *old = NULL;
	bool changed;

	if (e) {
		old = json_string_value(json_array_get(e, 0));
		if (json_integer_value(json_array_get(e, 1)) >= rev) {
			/* the echo of our own split write tells the key's true mod revision
			 * (what an agent's applied revision is compared with) */
			if (old && value && strlen(old) == len && memcmp(old, value, len) == 0)
				json_array_set_new(e, 1, json_integer(rev));
			return false;
		}
	}
	changed = (old == NULL) != (value == NULL) ||
		  (old && (strlen(old) != len || memcmp(old, value, len) != 0));
	json_object_set_new(c->held, key,
			    json_pack("[o, I]", value ? json_stringn(value, len) : json_null(),
				      (json_int_t)rev));
	return changed;
}

static void held_drop_family(ctl_t *c, int fam1, int fam2)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(c->held, tmp, k, v) {
		struct key_info ki;
		int f = keys_parse(&c->keys, k, &ki);

		if (f == fam1 || f == fam2)
			json_object_del(c->held, k);
	}
}

const char *ctl_held(const ctl_t *c, const char *key)
{
	return json_string_value(json_array_get(json_object_get(c->held, key), 0));
}

static void mark_dirty(ctl_t *c)
{
	c->dirty = true;
}

static void bad_value(ctl_t *c, const char *key, const char *why)
{
	c->st.bad_values++;
	LOG_RL(LOG_LVL_WARN, CAT, "ignoring %s: %s", key, why);
}

/* ---- leadership ---------------------------------------------------------------------- */

static void step_down(ctl_t *c, const char *why)
{
	if (!c->leader)
		return;
	log_state("leader", c->id, "leader", "follower", NULL, why);
	c->leader = false;
	c->fence = 0;
	c->term++;
	if (c->w[SRC_RIB]) {
		etcd_watch_cancel(c->w[SRC_RIB]);
		c->w[SRC_RIB] = NULL;
	}
	c->snap[SRC_RIB] = false;
	c->rib_loading = c->rib_loaded = c->rib_failed = false;
	c->writing = false; /* a write in flight is ignored (and refused by the fence) */
	held_drop_family(c, KEY_RIB_TE_TUNNEL, KEY_RIB_PROTECT);
}

static void become_leader(ctl_t *c, int64_t fence)
{
	char why[96];

	c->leader = true;
	c->fence = fence;
	c->term++;
	c->st.terms++;
	c->rib_loaded = c->rib_loading = c->rib_failed = false;
	c->write_failed = false;
	snprintf(why, sizeof(why), "te/leader create_revision %lld", (long long)fence);
	log_state("leader", c->id, "follower", "leader", "won election", why);
	step(c);
}

static void on_retry(uv_timer_t *t);

static void retry_later(ctl_t *c, unsigned ms)
{
	if (!c->closing)
		uv_timer_start(&c->retry, on_retry, ms, 0);
}

static void on_campaign(etcd_client *ec, const struct etcd_result *res, void *arg)
{
	ctl_t *c = arg;

	(void)ec;
	c->campaigning = false;
	if (c->closing)
		return;
	if (res->err.code == ETCD_OK && res->succeeded) {
		if (res->revision > c->leader_key_rev) {
			c->leader_key_create = res->revision;
			c->leader_key_rev = res->revision;
		}
		become_leader(c, res->revision);
		return;
	}
	if (res->err.code == ETCD_ERR_COMPARE_FAILED) {
		const struct etcd_result *r = res->n_responses ? &res->responses[0] : NULL;

		if (r && r->n_kvs)
			log_debug(CAT, "%s: te/leader is held: %s", c->id, r->kvs[0].value);
		/* it may have gone while we asked: the te/ watch tells; retry if absent */
		if (c->snap[SRC_TE] && c->leader_key_create == 0)
			retry_later(c, 200);
		return;
	}
	log_warn(CAT, "%s: campaign for te/leader failed (%s): %s", c->id,
		 etcd_errc_name(res->err.code), res->err.msg);
	retry_later(c, RETRY_MS);
}

static void campaign(ctl_t *c)
{
	char since[40], *val;
	json_t *v;
	etcd_txn *t;

	if (c->closing || c->leader || c->campaigning || !c->lease_ok || !c->lease)
		return;
	if (c->snap[SRC_TE] && c->leader_key_create != 0)
		return; /* someone leads: wait for te/leader to go */
	time_now_rfc3339(since, sizeof(since));
	v = json_pack("{s:s, s:s, s:i, s:s, s:s}", "id", c->id, "host", c->host, "pid",
		      (int)getpid(), "since", since, "version", "0.1.0");
	val = v ? jx_dumps(v) : NULL;
	json_decref(v);
	t = etcd_txn_new();
	if (!val || !t ||
	    etcd_txn_compare(t, c->key_leader, ETCD_CMP_CREATE, ETCD_CMP_EQUAL, 0) < 0 ||
	    etcd_txn_put(t, ETCD_SUCCESS, c->key_leader, val, strlen(val),
			 etcd_lease_id(c->lease)) < 0 ||
	    etcd_txn_range(t, ETCD_FAILURE, c->key_leader, false) < 0) {
		free(val);
		etcd_txn_free(t);
		retry_later(c, RETRY_MS);
		return;
	}
	free(val);
	c->st.campaigns++;
	if (etcd_txn_commit(c->ec, t, ETCD_TXN_ATOMIC, on_campaign, c) < 0) {
		retry_later(c, RETRY_MS);
		return;
	}
	c->campaigning = true;
}

static void on_lease_granted(etcd_lease *l, const struct etcd_result *res, void *arg)
{
	ctl_t *c = arg;

	(void)l;
	if (c->closing)
		return;
	if (res->err.code != ETCD_OK) {
		log_warn(CAT, "%s: lease grant failed (%s): %s", c->id,
			 etcd_errc_name(res->err.code), res->err.msg);
		retry_later(c, RETRY_MS);
		return;
	}
	c->lease_ok = true;
	log_info(CAT, "%s: lease %llx granted (ttl %llds)", c->id, (long long)res->lease_id,
		 (long long)res->ttl);
	campaign(c);
}

static void on_lease_lost(etcd_lease *l, const struct etcd_error *why, void *arg)
{
	ctl_t *c = arg;
	char msg[300];

	(void)l;
	c->lease_ok = false;
	if (c->closing)
		return;
	snprintf(msg, sizeof(msg), "lease lost: %s", why->msg);
	step_down(c, msg);
	retry_later(c, 100);
}

static const struct etcd_lease_cbs lease_cbs = { on_lease_granted, on_lease_lost };

static void on_retry(uv_timer_t *t)
{
	ctl_t *c = t->data;

	if (c->closing)
		return;
	if (!c->lease_ok) {
		if (c->lease && etcd_lease_alive(c->lease))
			return; /* still granting */
		if (c->lease)
			etcd_lease_release(c->lease, false, NULL, NULL);
		c->lease = etcd_lease_grant(c->ec, c->ttl_s, &lease_cbs, c);
		if (!c->lease)
			uv_timer_start(&c->retry, on_retry, RETRY_MS, 0);
		return;
	}
	if (c->leader && c->rib_failed) {
		c->rib_failed = false;
		step(c);
		return;
	}
	campaign(c);
}

/* ---- loading rib/<node>/{te,protect}/ when leadership is won -------------------------- */

struct rctx {
	ctl_t *c;
	uint64_t term;
	bool first;
};

static void on_rib_watch_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync,
				  void *arg);
static void on_watch_events(etcd_watch *w, const struct etcd_event *ev, size_t n,
			    int64_t revision, void *arg);
static void on_watch_status(etcd_watch *w, bool connected, const struct etcd_error *why,
			    bool fatal, void *arg);

static int rib_range(ctl_t *c, const char *node, int fam, int64_t rev, bool first);

static void on_watch_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync,
			      void *arg);
static const struct etcd_watch_cbs watch_cbs = { on_watch_snapshot, on_watch_events,
						 on_watch_status };
static const struct etcd_watch_cbs rib_watch_cbs = { on_rib_watch_snapshot, on_watch_events,
						     on_watch_status };

static void rib_collect_nodes(ctl_t *c, json_t *set)
{
	const char *k;
	json_t *v;

	for (uint32_t i = 0; i < c->ted.n_nodes; i++)
		if (!c->ted.nodes[i].pseudonode && keys_name_valid(c->ted.nodes[i].name))
			json_object_set_new(set, c->ted.nodes[i].name, json_true());
	json_object_foreach(c->reqs, k, v) {
		const char *from = json_string_value(json_object_get(json_object_get(v, "v"),
								     "from"));

		if (from && keys_name_valid(from))
			json_object_set_new(set, from, json_true());
	}
	json_object_foreach(c->held, k, v) {
		struct key_info ki;
		json_t *pv;
		jx_ctx jc;
		const char *s = json_string_value(json_array_get(v, 0));

		if (!s || keys_parse(&c->keys, k, &ki) != KEY_TE_PATH)
			continue;
		jx_init(&jc, k);
		pv = jx_loads(&jc, s, strlen(s));
		const char *from = json_string_value(json_object_get(pv, "from"));

		if (from && keys_name_valid(from))
			json_object_set_new(set, from, json_true());
		json_decref(pv);
	}
}

static void rib_load_done(ctl_t *c)
{
	struct etcd_watch_opts o = { .prefix = true, .start_revision = c->rib_rev + 1 };

	c->rib_loading = false;
	if (c->rib_failed) {
		held_drop_family(c, KEY_RIB_TE_TUNNEL, KEY_RIB_PROTECT);
		uv_timer_start(&c->retry, on_retry, RETRY_MS, 0);
		return;
	}
	c->w[SRC_RIB] = etcd_watch_start(c->ec, c->pfx[SRC_RIB], &o, &rib_watch_cbs,
					 &c->wsrc[SRC_RIB]);
	if (!c->w[SRC_RIB]) {
		c->rib_failed = true;
		uv_timer_start(&c->retry, on_retry, RETRY_MS, 0);
		return;
	}
	c->rib_loaded = true;
	log_info(CAT, "%s: leader state loaded at revision %lld (%zu owned keys held)", c->id,
		 (long long)c->rib_rev, json_object_size(c->held));
	mark_dirty(c);
}

static void on_rib_range(etcd_client *ec, const struct etcd_result *res, void *arg)
{
	struct rctx *r = arg;
	ctl_t *c = r->c;

	(void)ec;
	if (c->closing || r->term != c->term || !c->rib_loading) {
		free(r);
		return;
	}
	c->rib_pending--;
	if (res->err.code != ETCD_OK) {
		log_warn(CAT, "%s: reading rib/ failed (%s): %s; retrying", c->id,
			 etcd_errc_name(res->err.code), res->err.msg);
		c->rib_failed = true;
	} else {
		for (size_t i = 0; i < res->n_kvs; i++) {
			struct key_info ki;

			if (owned_family(keys_parse_n(&c->keys, res->kvs[i].key, res->kvs[i].key_len,
						      &ki)))
				held_set(c, res->kvs[i].key, res->kvs[i].value, res->kvs[i].value_len,
					 res->kvs[i].mod_revision);
		}
	}
	if (r->first && !c->rib_failed) {
		json_t *set = json_object();
		const char *node;
		json_t *v;

		c->rib_rev = res->revision;
		rib_collect_nodes(c, set);
		json_object_foreach(set, node, v) {
			if (rib_range(c, node, KEY_RIB_TE_TUNNEL, c->rib_rev, false) < 0 ||
			    rib_range(c, node, KEY_RIB_PROTECT, c->rib_rev, false) < 0)
				c->rib_failed = true;
		}
		json_decref(set);
	}
	free(r);
	if (c->rib_pending == 0)
		rib_load_done(c);
	step(c);
}

static int rib_range(ctl_t *c, const char *node, int fam, int64_t rev, bool first)
{
	char pfx[KEYS_MAX];
	struct rctx *r;
	struct etcd_range_opts o = { .prefix = true, .revision = rev, .page_size = 5000 };

	if (first) {
		/* a key no node has, just for the revision every other range reads at */
		snprintf(pfx, sizeof(pfx), "%s", c->key_leader);
		o.prefix = false;
	} else if (keys_prefix_node(&c->keys, fam, node, pfx, sizeof(pfx)) < 0) {
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct rctx){ c, c->term, first };
	if (etcd_range(c->ec, pfx, &o, on_rib_range, r) < 0) {
		free(r);
		return -EINVAL;
	}
	c->rib_pending++;
	return 0;
}

static void rib_load_start(ctl_t *c)
{
	c->rib_loading = true;
	c->rib_failed = false;
	c->rib_pending = 0;
	held_drop_family(c, KEY_RIB_TE_TUNNEL, KEY_RIB_PROTECT);
	ted_commit(&c->ted);
	if (rib_range(c, NULL, 0, 0, true) < 0) {
		c->rib_loading = false;
		c->rib_failed = true;
		uv_timer_start(&c->retry, on_retry, RETRY_MS, 0);
	}
}

/* ---- inputs ------------------------------------------------------------------------- */

static void apply_ted(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	struct key_info ki;
	char id[KEYS_LSP_ID_STRLEN], err[TED_ERR_LEN];

	if (keys_parse_n(&c->keys, kv->key, kv->key_len, &ki) != KEY_TED_LSP) {
		bad_value(c, kv->key, "not a ted/lsp/<lsp-id> key");
		return;
	}
	keys_lsp_id_format(&ki.lsp_id, id, sizeof(id));
	if (del) {
		ted_lsp_remove(&c->ted, id);
		json_object_del(c->ted_keys, kv->key);
		return;
	}
	json_object_set_new(c->ted_keys, kv->key, json_true());
	if (ted_lsp_update_text(&c->ted, id, kv->value, kv->value_len, err, sizeof(err)) < 0)
		bad_value(c, kv->key, err);
}

static void apply_spk(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	struct key_info ki;
	char err[512];
	json_t *v;
	jx_ctx jc;

	if (keys_parse_n(&c->keys, kv->key, kv->key_len, &ki) != KEY_SPEAKER) {
		bad_value(c, kv->key, "not a speakers/<node> key");
		return;
	}
	if (del) {
		ted_speaker_remove(&c->ted, ki.node);
		json_object_del(c->spk_keys, kv->key);
		return;
	}
	json_object_set_new(c->spk_keys, kv->key, json_true());
	jx_init(&jc, kv->key);
	v = jx_loads(&jc, kv->value, kv->value_len);
	if (!v) {
		ted_speaker_remove(&c->ted, ki.node);
		bad_value(c, kv->key, jc.err);
		return;
	}
	const char *node = json_string_value(json_object_get(v, "node"));

	if (!node || strcmp(node, ki.node) != 0) {
		ted_speaker_remove(&c->ted, ki.node);
		bad_value(c, kv->key, "node: must equal the key's node");
	} else if (ted_speaker_update(&c->ted, v, err, sizeof(err)) < 0) {
		ted_speaker_remove(&c->ted, ki.node);
		bad_value(c, kv->key, err);
	}
	json_decref(v);
}

static void apply_lsp(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	struct key_info ki;
	json_t *v, *e;
	jx_ctx jc;

	if (keys_parse_n(&c->keys, kv->key, kv->key_len, &ki) != KEY_LSP_REQUEST) {
		bad_value(c, kv->key, "not a config/lsps/<lsp> key (LSP names are 1..63 of "
				      "A-Z a-z 0-9 . _ -)");
		return;
	}
	if (del) {
		json_object_del(c->reqs, ki.lsp);
		return;
	}
	jx_init(&jc, NULL);
	v = jx_loads(&jc, kv->value, kv->value_len);
	e = v ? json_pack("{s:o, s:I}", "v", v, "r", (json_int_t)kv->mod_revision)
	      : json_pack("{s:s, s:I}", "e", jc.err, "r", (json_int_t)kv->mod_revision);
	if (!v)
		log_warn(CAT, "%s: not JSON: %s (answered invalid)", kv->key, jc.err);
	if (e)
		json_object_set_new(c->reqs, ki.lsp, e);
}

static void apply_groups(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	char err[512];
	json_t *v;
	jx_ctx jc;

	c->have_groups = false;
	if (del)
		return;
	jx_init(&jc, kv->key);
	v = jx_loads(&jc, kv->value, kv->value_len);
	if (!v) {
		bad_value(c, kv->key, jc.err);
		return;
	}
	if (validate_admin_groups(v, &c->groups, err, sizeof(err)) < 0)
		bad_value(c, kv->key, err);
	else
		c->have_groups = true;
	json_decref(v);
}

static void apply_te(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	struct key_info ki;
	int f = keys_parse_n(&c->keys, kv->key, kv->key_len, &ki);

	if (owned_family(f)) {
		if (held_set(c, kv->key, del ? NULL : kv->value, del ? 0 : kv->value_len,
			     kv->mod_revision) && c->leader)
			mark_dirty(c); /* changed behind our back: repair */
		return;
	}
	if (f != KEY_TE_LEADER || kv->mod_revision < c->leader_key_rev)
		return; /* older than what we know (e.g. our own election's answer) */
	c->leader_key_rev = kv->mod_revision;
	c->leader_key_create = del ? 0 : kv->create_revision;
	if (c->leader && !c->no_leader_watch && kv->mod_revision > c->fence) {
		if (del)
			step_down(c, "te/leader was deleted");
		else if (kv->create_revision != c->fence)
			step_down(c, "te/leader was re-created by another controller");
	}
	if (!c->leader && c->leader_key_create == 0)
		campaign(c);
}

/* state/<node>/agent: the agent's applied revision, which make-before-break waits
 * for. Only a change that matters (an agent appearing or vanishing, or news from a head
 * end something waits for) recomputes: agents write their state after every batch. */
static void apply_state(ctl_t *c, const struct etcd_kv *kv, bool del)
{
	struct key_info ki;
	json_t *v = NULL, *rev;
	bool had;
	jx_ctx jc;

	if (keys_parse_n(&c->keys, kv->key, kv->key_len, &ki) != KEY_AGENT_STATE)
		return; /* other state/ keys are not ours to read */
	had = json_object_get(c->agents, ki.node) != NULL;
	if (!del) {
		jx_init(&jc, kv->key);
		v = jx_loads(&jc, kv->value, kv->value_len);
		rev = json_object_get(v, "revision");
		if (!v || !json_is_integer(rev) || json_integer_value(rev) < 0) {
			bad_value(c, kv->key, v ? "revision: expected an integer >= 0" : jc.err);
			json_decref(v);
			v = NULL;
			del = true;
		}
	}
	if (del)
		json_object_del(c->agents, ki.node);
	else
		json_object_set_new(c->agents, ki.node,
				    json_integer(json_integer_value(json_object_get(v, "revision"))));
	json_decref(v);
	if (had != !del || json_object_get(c->mbb_heads, ki.node))
		mark_dirty(c);
}

static void apply(ctl_t *c, enum src kind, const struct etcd_kv *kv, bool del)
{
	switch (kind) {
	case SRC_TED: apply_ted(c, kv, del); mark_dirty(c); break;
	case SRC_SPK: apply_spk(c, kv, del); mark_dirty(c); break;
	case SRC_LSPS: apply_lsp(c, kv, del); mark_dirty(c); break;
	case SRC_GROUPS: apply_groups(c, kv, del); mark_dirty(c); break;
	case SRC_STATE: apply_state(c, kv, del); break;
	case SRC_TE:
	case SRC_RIB: apply_te(c, kv, del); break;
	default: break;
	}
}

/* A snapshot replaces the view: what it does not hold is deleted first. */
static void snapshot_diff(ctl_t *c, enum src kind, const struct etcd_result *snap)
{
	json_t *in = json_object(), *gone = json_array();
	const char *k;
	json_t *v;
	size_t i;

	for (i = 0; i < snap->n_kvs; i++)
		json_object_set_new(in, snap->kvs[i].key, json_true());
	if (kind == SRC_TED || kind == SRC_SPK) {
		json_object_foreach(kind == SRC_TED ? c->ted_keys : c->spk_keys, k, v)
			if (!json_object_get(in, k))
				json_array_append_new(gone, json_string(k));
	} else if (kind == SRC_LSPS) {
		char key[KEYS_MAX];

		json_object_foreach(c->reqs, k, v)
			if (keys_lsp_request(&c->keys, k, key, sizeof(key)) > 0 &&
			    !json_object_get(in, key))
				json_array_append_new(gone, json_string(key));
	} else if (kind == SRC_GROUPS) {
		if (snap->n_kvs == 0)
			json_array_append_new(gone, json_string(c->pfx[SRC_GROUPS]));
	} else if (kind == SRC_STATE) {
		char key[KEYS_MAX];

		json_object_foreach(c->agents, k, v)
			if (keys_agent_state(&c->keys, k, key, sizeof(key)) > 0 &&
			    !json_object_get(in, key))
				json_array_append_new(gone, json_string(key));
	} else {
		json_object_foreach(c->held, k, v) {
			struct key_info ki;
			int f = keys_parse(&c->keys, k, &ki);
			bool mine = kind == SRC_TE ? (f == KEY_TE_PATH || f == KEY_TE_LINK)
						   : (f == KEY_RIB_TE_TUNNEL || f == KEY_RIB_PROTECT);

			if (mine && json_string_value(json_array_get(v, 0)) && !json_object_get(in, k))
				json_array_append_new(gone, json_string(k));
		}
		if (kind == SRC_TE && c->leader_key_create && !json_object_get(in, c->key_leader))
			json_array_append_new(gone, json_string(c->key_leader));
	}
	json_array_foreach(gone, i, v) {
		struct etcd_kv kv = { .key = (char *)json_string_value(v),
				      .key_len = json_string_length(v),
				      .mod_revision = snap->revision };

		apply(c, kind, &kv, true);
	}
	json_decref(in);
	json_decref(gone);
	for (i = 0; i < snap->n_kvs; i++)
		apply(c, kind, &snap->kvs[i], false);
}

static void on_watch_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync,
			      void *arg)
{
	struct wsrc *s = arg;
	ctl_t *c = s->c;

	(void)w;
	if (c->closing)
		return;
	if (resync)
		log_info(CAT, "%s: %s resynchronised at revision %lld (%zu keys)", c->id,
			 src_name[s->kind], (long long)snap->revision, snap->n_kvs);
	snapshot_diff(c, s->kind, snap);
	c->snap[s->kind] = true;
	if (s->kind == SRC_TE && !c->leader && c->leader_key_create == 0)
		campaign(c);
	step(c);
}

static void on_rib_watch_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync,
				  void *arg)
{
	on_watch_snapshot(w, snap, resync, arg);
}

static void on_watch_events(etcd_watch *w, const struct etcd_event *ev, size_t n,
			    int64_t revision, void *arg)
{
	struct wsrc *s = arg;
	ctl_t *c = s->c;

	(void)w;
	(void)revision;
	if (c->closing)
		return;
	for (size_t i = 0; i < n; i++)
		apply(c, s->kind, &ev[i].kv, ev[i].type == ETCD_EVENT_DELETE);
	step(c);
}

static void on_watch_status(etcd_watch *w, bool connected, const struct etcd_error *why,
			    bool fatal, void *arg)
{
	struct wsrc *s = arg;
	ctl_t *c = s->c;

	(void)w;
	if (c->closing)
		return;
	if (fatal)
		log_err(CAT, "%s: watch on %s stopped: %s", c->id, src_name[s->kind],
			why ? why->msg : "?");
	else if (!connected)
		log_debug(CAT, "%s: watch on %s down: %s", c->id, src_name[s->kind],
			  why ? why->msg : "?");
}

/* ---- computing and writing --------------------------------------------------------- */

struct wop {
	char *key, *val, *old; /* val NULL: delete */
	int rank;
};

struct wctx {
	ctl_t *c;
	uint64_t term;
	size_t n;
	struct wop *ops;
};

static void wctx_free(struct wctx *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->ops[i].key);
		free(w->ops[i].val);
		free(w->ops[i].old);
	}
	free(w->ops);
	free(w);
}

static int wop_cmp(const void *a, const void *b)
{
	const struct wop *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->key, y->key);
}

/* Puts before deletes; bypasses, then reservations, tunnels, states; deletes of
 * tunnels before their bypasses. */
static int op_rank(int fam, bool del)
{
	static const int put_rank[KEY_FAMILY_COUNT] = { [KEY_RIB_PROTECT] = 0,
							[KEY_TE_LINK] = 1,
							[KEY_RIB_TE_TUNNEL] = 2,
							[KEY_TE_PATH] = 3 };
	static const int del_rank[KEY_FAMILY_COUNT] = { [KEY_RIB_TE_TUNNEL] = 10,
							[KEY_RIB_PROTECT] = 11,
							[KEY_TE_PATH] = 12,
							[KEY_TE_LINK] = 13 };

	return del ? del_rank[fam] : put_rank[fam];
}

static void path_nodes(const json_t *v, char *buf, size_t len)
{
	size_t i, l = 0;
	json_t *h;

	buf[0] = 0;
	json_array_foreach(json_object_get(v, "path"), i, h) {
		int w = snprintf(buf + l, len - l, "%s%s", i ? "-" : "",
				 json_string_value(json_object_get(h, "node")));

		if (w < 0 || (size_t)w >= len - l)
			break;
		l += (size_t)w;
	}
}

static void log_lsp_change(ctl_t *c, const char *key, const char *old, const char *val)
{
	json_t *o = old ? json_loads(old, 0, NULL) : NULL, *n = val ? json_loads(val, 0, NULL) : NULL;
	const char *os = o ? json_string_value(json_object_get(o, "state")) : NULL;
	const char *ns = n ? json_string_value(json_object_get(n, "state")) : NULL;
	const char *name = strrchr(key, '/') + 1;
	char obj[96], op[512], np[512];

	snprintf(obj, sizeof(obj), "lsp %s", name);
	path_nodes(o, op, sizeof(op));
	path_nodes(n, np, sizeof(np));
	if (!ns) {
		log_state(CAT, obj, os ? os : "none", "removed", "request deleted", NULL);
	} else if (!os || strcmp(os, ns) != 0) {
		const char *reason = json_string_value(json_object_get(n, "reason"));
		char ev[600];

		snprintf(ev, sizeof(ev), "path %s", np[0] ? np : "-");
		log_state(CAT, obj, os ? os : "none", ns, np[0] ? ev : NULL, reason);
	} else if (strcmp(ns, "up") == 0 && strcmp(op, np) != 0) {
		log_info(CAT, "%s: rerouted %s -> %s", obj, op, np);
	}
	json_decref(o);
	json_decref(n);
}

static void on_write(etcd_client *ec, const struct etcd_result *res, void *arg)
{
	struct wctx *w = arg;
	ctl_t *c = w->c;

	(void)ec;
	if (c->closing || w->term != c->term) {
		wctx_free(w);
		return;
	}
	c->writing = false;
	if (res->err.code == ETCD_OK && res->succeeded) {
		c->write_failed = false;
		c->st.txns += res->n_txns ? res->n_txns : 1;
		for (size_t i = 0; i < w->n; i++) {
			struct wop *o = &w->ops[i];
			struct key_info ki;

			if (o->val)
				c->st.puts++;
			else
				c->st.deletes++;
			held_set(c, o->key, o->val, o->val ? strlen(o->val) : 0, res->revision);
			if (keys_parse(&c->keys, o->key, &ki) == KEY_TE_PATH)
				log_lsp_change(c, o->key, o->old, o->val);
		}
		log_debug(CAT, "%s: wrote %zu changes at revision %lld", c->id, w->n,
			  (long long)res->revision);
	} else if (res->err.code == ETCD_ERR_COMPARE_FAILED) {
		char why[160];

		c->st.fence_refused++;
		log_warn(CAT, "%s: write of %zu changes refused by the fence (te/leader "
			 "create_revision is no longer %lld; %u parts committed)",
			 c->id, w->n, (long long)c->fence, res->n_txns);
		snprintf(why, sizeof(why), "a write was refused by the fence");
		step_down(c, why);
		campaign(c);
	} else {
		c->st.write_errors++;
		c->write_failed = true;
		log_warn(CAT, "%s: write of %zu changes failed (%s): %s; retrying", c->id, w->n,
			 etcd_errc_name(res->err.code), res->err.msg);
		mark_dirty(c);
		c->last_compute = uv_now(c->loop) + RETRY_MS; /* back off */
	}
	wctx_free(w);
	step(c);
}

static json_t *prev_paths(ctl_t *c)
{
	json_t *o = json_object();
	const char *k;
	json_t *v;

	json_object_foreach(c->held, k, v) {
		struct key_info ki;
		const char *s = json_string_value(json_array_get(v, 0));
		json_t *pv;

		if (!s || keys_parse(&c->keys, k, &ki) != KEY_TE_PATH)
			continue;
		pv = json_loads(s, 0, NULL);
		if (pv)
			json_object_set_new(o, ki.lsp, pv);
	}
	return o;
}

/* The held rib/<head>/te/<lsp> values with their revisions (LSP name -> {"value",
 * "revision"}) and rib/<plr>/protect/<link> values (key -> value), for make-before-break. */
static void held_rib(ctl_t *c, json_t *tunnels, json_t *protects)
{
	const char *k;
	json_t *v;

	json_object_foreach(c->held, k, v) {
		struct key_info ki;
		const char *s = json_string_value(json_array_get(v, 0));
		int f = keys_parse(&c->keys, k, &ki);
		json_t *pv;

		if (!s || (f != KEY_RIB_TE_TUNNEL && f != KEY_RIB_PROTECT))
			continue;
		pv = json_loads(s, 0, NULL);
		if (!pv)
			continue;
		if (f == KEY_RIB_PROTECT)
			json_object_set_new(protects, k, pv);
		else
			json_object_set_new(tunnels, ki.lsp,
					    json_pack("{s:o, s:O}", "value", pv, "revision",
						      json_array_get(v, 1)));
	}
}

/* Head ends whose agents' news matter for the next computation. */
static void note_mbb_heads(ctl_t *c, const json_t *desired)
{
	const char *k;
	json_t *v;

	json_object_clear(c->mbb_heads);
	json_object_foreach((json_t *)desired, k, v) {
		struct key_info ki;
		const char *from = json_string_value(json_object_get(v, "from"));

		if (from && json_object_get(v, "releasing") &&
		    keys_parse(&c->keys, k, &ki) == KEY_TE_PATH)
			json_object_set_new(c->mbb_heads, from, json_true());
	}
}

static int diff_and_write(ctl_t *c, json_t *desired)
{
	struct wctx *w = calloc(1, sizeof(*w));
	size_t cap = json_object_size(desired) + json_object_size(c->held) + 1;
	const char *k;
	json_t *v;
	etcd_txn *t;

	if (!w)
		return -ENOMEM;
	w->c = c;
	w->term = c->term;
	w->ops = calloc(cap, sizeof(*w->ops));
	if (!w->ops) {
		free(w);
		return -ENOMEM;
	}
	json_object_foreach(desired, k, v) {
		struct key_info ki;
		int f = keys_parse(&c->keys, k, &ki);
		const char *old = ctl_held(c, k);
		char *s;

		if (!owned_family(f))
			continue;
		s = jx_dumps(v);
		if (!s)
			continue;
		if (old && strcmp(old, s) == 0) {
			free(s);
			continue;
		}
		w->ops[w->n++] = (struct wop){ strdup(k), s, old ? strdup(old) : NULL,
					       op_rank(f, false) };
	}
	json_object_foreach(c->held, k, v) {
		struct key_info ki;
		int f = keys_parse(&c->keys, k, &ki);
		const char *old = json_string_value(json_array_get(v, 0));

		if (!owned_family(f) || !old || json_object_get(desired, k))
			continue;
		w->ops[w->n++] = (struct wop){ strdup(k), NULL, strdup(old), op_rank(f, true) };
	}
	if (w->n == 0) {
		wctx_free(w);
		return 0;
	}
	qsort(w->ops, w->n, sizeof(*w->ops), wop_cmp);
	t = etcd_txn_new();
	if (!t || etcd_txn_compare(t, c->key_leader, ETCD_CMP_CREATE, ETCD_CMP_EQUAL, c->fence) < 0)
		goto fail;
	for (size_t i = 0; i < w->n; i++) {
		struct wop *o = &w->ops[i];

		if (!o->key)
			goto fail;
		if ((o->val ? etcd_txn_put(t, ETCD_SUCCESS, o->key, o->val, strlen(o->val), 0)
			    : etcd_txn_delete(t, ETCD_SUCCESS, o->key, false)) < 0)
			goto fail;
	}
	if (etcd_txn_commit(c->ec, t, ETCD_TXN_SPLIT, on_write, w) < 0) {
		wctx_free(w);
		return -EIO;
	}
	c->writing = true;
	return 0;
fail:
	etcd_txn_free(t);
	wctx_free(w);
	return -ENOMEM;
}

static bool inputs_ready(const ctl_t *c)
{
	return c->snap[SRC_TED] && c->snap[SRC_SPK] && c->snap[SRC_LSPS] &&
	       c->snap[SRC_GROUPS] && c->snap[SRC_TE] && c->snap[SRC_STATE];
}

static void compute(ctl_t *c)
{
	struct plan_request *pr;
	struct plan_input in;
	struct plan_stats ps;
	json_t *prev, *desired = NULL, *tunnels = json_object(), *protects = json_object();
	char now[40];
	const char *k;
	json_t *v;
	size_t n = 0;
	int rc;

	c->dirty = false;
	c->computed_once = true;
	c->last_compute = uv_now(c->loop);
	c->st.computes++;
	if ((rc = ted_commit(&c->ted)) < 0)
		log_warn(CAT, "%s: TED not re-derived (%s): using the previous graph", c->id,
			 strerror(-rc));
	pr = calloc(json_object_size(c->reqs) + 1, sizeof(*pr));
	if (!pr || !tunnels || !protects) {
		free(pr);
		json_decref(tunnels);
		json_decref(protects);
		mark_dirty(c);
		return;
	}
	held_rib(c, tunnels, protects);
	json_object_foreach(c->reqs, k, v) {
		pr[n++] = (struct plan_request){
			.name = k, .value = json_object_get(v, "v"),
			.bad_json = json_string_value(json_object_get(v, "e")),
			.revision = json_integer_value(json_object_get(v, "r")) };
	}
	prev = prev_paths(c);
	time_now_rfc3339(now, sizeof(now));
	in = (struct plan_input){ .keys = &c->keys, .ted = &c->ted,
				  .groups = c->have_groups ? &c->groups : NULL, .reqs = pr,
				  .n_reqs = n, .prev_paths = prev, .tunnels = tunnels,
				  .agents = c->agents, .held_protects = protects, .now = now };
	rc = plan_compute(&in, c->ws, &desired, &ps);
	if (rc == 0) {
		log_debug(CAT, "%s: plan: %zu up (%zu moved, %zu in make-before-break), %zu down, "
			  "%zu invalid, %zu bypasses", c->id, ps.up, ps.moved, ps.mbb, ps.down,
			  ps.invalid, ps.bypasses);
		note_mbb_heads(c, desired);
		rc = diff_and_write(c, desired);
	}
	if (rc < 0) {
		log_warn(CAT, "%s: computation failed: %s; retrying", c->id, strerror(-rc));
		mark_dirty(c);
		c->last_compute = uv_now(c->loop) + RETRY_MS;
	}
	json_decref(desired);
	json_decref(prev);
	json_decref(tunnels);
	json_decref(protects);
	free(pr);
}

static bool can_compute(const ctl_t *c)
{
	return !c->closing && c->leader && c->rib_loaded && inputs_ready(c) && !c->writing;
}

static void on_timer(uv_timer_t *t)
{
	ctl_t *c = t->data;

	if (c->dirty && can_compute(c))
		compute(c);
}

/* Advance: load leader state when possible, arm the computation timer when dirty. */
static void step(ctl_t *c)
{
	uint64_t now, next;

	if (c->closing)
		return;
	if (c->leader && !c->rib_loaded && !c->rib_loading && !c->rib_failed && inputs_ready(c) &&
	    c->w[SRC_TE] && etcd_watch_revision(c->w[SRC_TE]) >= c->fence)
		rib_load_start(c);
	if (!c->dirty || !can_compute(c) || uv_is_active((uv_handle_t *)&c->timer))
		return;
	now = uv_now(c->loop);
	next = c->computed_once ? c->last_compute + c->hold_down_ms : now;
	uv_timer_start(&c->timer, on_timer, next > now ? next - now : 0, 0);
}

/* ---- life cycle ---------------------------------------------------------------------- */

static void free_ctl(ctl_t *c)
{
	void (*closed)(void *) = c->closed;
	void *arg = c->closed_arg;

	ted_free(&c->ted);
	json_decref(c->ted_keys);
	json_decref(c->spk_keys);
	json_decref(c->reqs);
	json_decref(c->held);
	json_decref(c->agents);
	json_decref(c->mbb_heads);
	cspf_ws_free(c->ws);
	free(c);
	if (closed)
		closed(arg);
}

static void on_closed_one(ctl_t *c)
{
	if (--c->pending_close == 0)
		free_ctl(c);
}

static void on_handle_closed(uv_handle_t *h)
{
	on_closed_one(h->data);
}

static void on_client_closed(void *arg)
{
	on_closed_one(arg);
}

static void close_client(ctl_t *c)
{
	etcd_client_close(c->ec, on_client_closed, c);
}

static void on_closer(uv_timer_t *t)
{
	ctl_t *c = t->data;

	uv_close((uv_handle_t *)&c->closer, on_handle_closed);
	close_client(c);
}

/* The client is closed from a fresh loop iteration, not from inside its callback. */
static void on_revoked(etcd_client *ec, const struct etcd_result *res, void *arg)
{
	ctl_t *c = arg;

	(void)ec;
	if (res->err.code != ETCD_OK)
		log_warn(CAT, "%s: revoking the lease: %s", c->id, res->err.msg);
	uv_timer_start(&c->closer, on_closer, 0, 0);
}

void ctl_close(ctl_t *c, bool revoke, void (*closed)(void *arg), void *arg)
{
	if (!c || c->closing)
		return;
	if (c->leader)
		log_state("leader", c->id, "leader", "stopped", NULL, "shutting down");
	c->closing = true;
	c->closed = closed;
	c->closed_arg = arg;
	for (int i = 0; i < SRC_COUNT; i++)
		if (c->w[i]) {
			etcd_watch_cancel(c->w[i]);
			c->w[i] = NULL;
		}
	c->pending_close = 4;
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	uv_close((uv_handle_t *)&c->retry, on_handle_closed);
	if (c->lease) {
		etcd_lease *l = c->lease;

		c->lease = NULL;
		if (revoke && etcd_lease_alive(l)) {
			etcd_lease_release(l, true, on_revoked, c);
			return;
		}
		etcd_lease_release(l, false, NULL, NULL);
	}
	uv_close((uv_handle_t *)&c->closer, on_handle_closed);
	close_client(c);
}

int ctl_new(uv_loop_t *loop, const struct ctl_opts *o, ctl_t **out, char *err, size_t errlen)
{
	struct etcd_client_opts eo = { 0 };
	ctl_t *c;
	char pid[32];

	*out = NULL;
	if (!loop || !o || (!o->endpoints && !(o->etcd && o->etcd->endpoints))) {
		snprintf(err, errlen, "no etcd endpoints");
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->loop = loop;
	if (keys_init(&c->keys, o->root) < 0) {
		snprintf(err, errlen, "bad root prefix \"%s\" (it must start and end with '/', "
			 "with segments of A-Z a-z 0-9 . _ -)", o->root);
		free(c);
		return -EINVAL;
	}
	if (gethostname(c->host, sizeof(c->host) - 1) < 0 || !c->host[0])
		snprintf(c->host, sizeof(c->host), "localhost");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (o->id)
		snprintf(c->id, sizeof(c->id), "%s", o->id);
	else
		snprintf(c->id, sizeof(c->id), "%.120s:%s", c->host, pid);
	for (const char *p = c->id; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || strchr("._:-", *p)) || strlen(c->id) > 128) {
			snprintf(err, errlen, "bad controller name \"%s\" (1..128 of A-Z a-z 0-9 . _ : -)",
				 c->id);
			free(c);
			return -EINVAL;
		}
	c->hold_down_ms = o->hold_down_ms ? o->hold_down_ms : CTL_DEFAULT_HOLD_DOWN_MS;
	c->ttl_s = o->lease_ttl_s ? o->lease_ttl_s : CTL_DEFAULT_LEASE_TTL_S;
	c->no_leader_watch = o->no_leader_watch;
	ted_init(&c->ted);
	c->ted_keys = json_object();
	c->spk_keys = json_object();
	c->reqs = json_object();
	c->held = json_object();
	c->agents = json_object();
	c->mbb_heads = json_object();
	c->ws = cspf_ws_new();
	if (!c->ted_keys || !c->spk_keys || !c->reqs || !c->held || !c->ws || !c->agents ||
	    !c->mbb_heads)
		goto nomem;
	keys_prefix(&c->keys, KEY_TED_LSP, c->pfx[SRC_TED], KEYS_MAX);
	keys_prefix(&c->keys, KEY_SPEAKER, c->pfx[SRC_SPK], KEYS_MAX);
	keys_prefix(&c->keys, KEY_LSP_REQUEST, c->pfx[SRC_LSPS], KEYS_MAX);
	keys_admin_groups(&c->keys, c->pfx[SRC_GROUPS], KEYS_MAX);
	snprintf(c->pfx[SRC_TE], KEYS_MAX, "%ste/", keys_root(&c->keys));
	snprintf(c->pfx[SRC_STATE], KEYS_MAX, "%sstate/", keys_root(&c->keys));
	keys_prefix(&c->keys, KEY_RIB_TE_TUNNEL, c->pfx[SRC_RIB], KEYS_MAX);
	keys_te_leader(&c->keys, c->key_leader, sizeof(c->key_leader));
	if (o->etcd)
		eo = *o->etcd;
	if (o->endpoints)
		eo.endpoints = o->endpoints;
	if (!eo.name)
		eo.name = c->id;
	if (etcd_client_new(loop, &eo, &c->ec, err, errlen) < 0) {
		ted_free(&c->ted);
		json_decref(c->ted_keys);
		json_decref(c->spk_keys);
		json_decref(c->reqs);
		json_decref(c->held);
		json_decref(c->agents);
		json_decref(c->mbb_heads);
		cspf_ws_free(c->ws);
		free(c);
		return -EINVAL;
	}
	uv_timer_init(loop, &c->timer);
	uv_timer_init(loop, &c->retry);
	uv_timer_init(loop, &c->closer);
	c->timer.data = c->retry.data = c->closer.data = c;
	for (int i = 0; i < SRC_RIB; i++) {
		struct etcd_watch_opts wo = { .prefix = i != SRC_GROUPS };

		c->wsrc[i] = (struct wsrc){ c, (enum src)i };
		c->w[i] = etcd_watch_start(c->ec, c->pfx[i], &wo, &watch_cbs, &c->wsrc[i]);
		if (!c->w[i]) {
			snprintf(err, errlen, "cannot watch %s", c->pfx[i]);
			ctl_close(c, false, NULL, NULL);
			return -ENOMEM;
		}
	}
	c->wsrc[SRC_RIB] = (struct wsrc){ c, SRC_RIB };
	c->lease = etcd_lease_grant(c->ec, c->ttl_s, &lease_cbs, c);
	if (!c->lease) {
		snprintf(err, errlen, "cannot grant a lease");
		ctl_close(c, false, NULL, NULL);
		return -ENOMEM;
	}
	log_info(CAT, "%s: started (root %s, hold-down %u ms, lease ttl %u s)", c->id,
		 keys_root(&c->keys), c->hold_down_ms, c->ttl_s);
	*out = c;
	return 0;
nomem:
	ted_free(&c->ted);
	json_decref(c->ted_keys);
	json_decref(c->spk_keys);
	json_decref(c->reqs);
	json_decref(c->held);
	json_decref(c->agents);
	json_decref(c->mbb_heads);
	cspf_ws_free(c->ws);
	free(c);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

bool ctl_is_leader(const ctl_t *c)
{
	return c && c->leader;
}

bool ctl_idle(const ctl_t *c)
{
	return c && c->leader && c->rib_loaded && inputs_ready(c) && !c->dirty && !c->writing &&
	       !c->write_failed && !uv_is_active((const uv_handle_t *)&c->timer);
}

bool ctl_ready(const ctl_t *c)
{
	return c && inputs_ready(c);
}

int64_t ctl_fence(const ctl_t *c)
{
	return c && c->leader ? c->fence : 0;
}

int64_t ctl_lease_id(const ctl_t *c)
{
	return c && c->lease ? etcd_lease_id(c->lease) : 0;
}

const struct ctl_stats *ctl_get_stats(const ctl_t *c)
{
	return &c->st;
}

const char *ctl_id(const ctl_t *c)
{
	return c->id;
}
