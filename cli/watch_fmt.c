/* watch_fmt — one readable line per etcd watch event for `kvtectl watch`:
 * "12:00:01.234 PUT te/paths/r1-to-r4 state up path r1 r2 r4".
 *
 * The key is shown below the root; a PUT is followed by a summary of the value that
 * depends on its family (docs/keys.md): LSP state and path, route metric and next hop,
 * tunnel path, reservation total, adjacency states, LSP sequence number...; values of
 * other families get their compact JSON (cut at 120 bytes). A value that is not JSON
 * reads "(invalid value: <reason>)". A DELETE is "DEL <key>". The time stamp is passed
 * in (the edge takes it when the event arrives), so the line is a pure function. */
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"

static void nh(FILE *out, const json_t *h)
{
	if (!h)
		return;
	fprintf(out, " via %s", cli_str(h, "address", "-"));
	if (cli_str(h, "interface", NULL))
		fprintf(out, " %s", cli_str(h, "interface", ""));
}

static void summary(FILE *out, const struct cli_entry *e)
{
	const json_t *v = e->value, *x;
	char bw[32], *j;
	size_t i;

	switch (e->family) {
	case KEY_TE_PATH:
		fprintf(out, " state %s", cli_str(v, "state", "?"));
		if (json_array_size(json_object_get(v, "path"))) {
			fprintf(out, " path");
			json_array_foreach(json_object_get(v, "path"), i, x)
				fprintf(out, " %s", cli_str(x, "node", "?"));
		}
		if (json_object_get(v, "metric"))
			fprintf(out, " metric %lld", (long long)cli_int(v, "metric", 0));
		if (json_array_size(json_object_get(v, "bypasses")))
			fprintf(out, " bypasses %zu", json_array_size(json_object_get(v, "bypasses")));
		if (cli_str(v, "reason", NULL))
			fprintf(out, " reason: %s", cli_str(v, "reason", ""));
		return;
	case KEY_TED_LSP:
		fprintf(out, " %s seq 0x%08llx lifetime %lld", cli_str(v, "hostname", "-"),
			(long long)cli_int(v, "seq", 0), (long long)cli_int(v, "remaining_lifetime", 0));
		if (cli_int(v, "remaining_lifetime", 1) == 0)
			fprintf(out, " (purge)");
		return;
	case KEY_SPEAKER:
		fprintf(out, " adjacencies");
		json_array_foreach(json_object_get(v, "adjacencies"), i, x)
			fprintf(out, " %s->%s:%s", cli_str(x, "interface", "?"),
				cli_str(x, "neighbor", "?"), cli_str(x, "state", "?"));
		if (!json_array_size(json_object_get(v, "adjacencies")))
			fprintf(out, " none");
		return;
	case KEY_RIB_ISIS_ROUTE:
		fprintf(out, " metric %lld", (long long)cli_int(v, "metric", 0));
		json_array_foreach(json_object_get(v, "next_hops"), i, x)
			nh(out, x);
		if ((x = json_object_get(v, "backup"))) {
			fprintf(out, " backup");
			nh(out, x);
		}
		return;
	case KEY_RIB_TE_TUNNEL:
		j = cli_join(json_object_get(v, "path"), " ");
		fprintf(out, " to %s path %s", cli_str(v, "to", "?"), j ? j : "?");
		free(j);
		nh(out, json_object_get(v, "first_hop"));
		if (json_object_get(v, "backup"))
			fprintf(out, " protected");
		return;
	case KEY_RIB_PROTECT:
		j = cli_join(json_object_get(v, "path"), " ");
		fprintf(out, " merge %s path %s", cli_str(v, "merge_point", "?"), j ? j : "?");
		free(j);
		return;
	case KEY_RIB_SID:
		if (cli_str(v, "behavior", NULL)) {
			fprintf(out, " %s", cli_str(v, "behavior", ""));
			if (cli_str(v, "interface", NULL))
				fprintf(out, " via %s", cli_str(v, "interface", ""));
		} else {
			fprintf(out, " label %s", cli_str(v, "op", "?"));
		}
		return;
	case KEY_TE_LINK: {
		double sum = 0;

		json_array_foreach(json_object_get(v, "reserved"), i, x)
			sum += json_number_value(x);
		fprintf(out, " reserved %s", cli_bw(sum, bw, sizeof(bw)));
		if (json_array_size(json_object_get(v, "lsps"))) {
			fprintf(out, " lsps");
			json_array_foreach(json_object_get(v, "lsps"), i, x)
				fprintf(out, " %s", cli_str(x, "lsp", "?"));
		}
		return;
	}
	case KEY_TE_LEADER:
		fprintf(out, " leader %s", cli_str(v, "id", "?"));
		return;
	case KEY_LSP_REQUEST:
		fprintf(out, " %s -> %s", cli_str(v, "from", "?"), cli_str(v, "to", "?"));
		if ((x = json_object_get(v, "bandwidth"))) {
			j = jx_dumps(x);
			fprintf(out, " bandwidth %s", j ? j : "?");
			free(j);
		}
		if (cli_str(v, "protection", NULL))
			fprintf(out, " protection %s", cli_str(v, "protection", ""));
		return;
	case KEY_BGP_ROUTE:
		fprintf(out, " pnh %s from %s", cli_str(v, "protocol_next_hop", "?"),
			cli_str(json_object_get(v, "peer"), "address", "?"));
		return;
	case KEY_AGENT_STATE:
		fprintf(out, " revision %lld %s", (long long)cli_int(v, "revision", 0),
			json_is_true(json_object_get(v, "connected")) ? "connected" : "disconnected");
		return;
	default:
		j = cli_json_short(v, 120);
		fprintf(out, " %s", j ? j : "?");
		free(j);
	}
}

void watch_format(FILE *out, const keys_t *k, const char *stamp, bool is_delete,
		  const char *key, size_t key_len, const char *value, size_t value_len)
{
	struct cli_state s;
	const struct cli_entry *e;

	if (cli_state_init(&s, keys_root(k)) < 0)
		return;
	if (cli_state_add(&s, key, key_len, is_delete ? "{}" : value,
			  is_delete ? 2 : value_len) < 0 || s.n != 1) {
		fprintf(out, "%s %s %.*s\n", stamp, is_delete ? "DEL" : "PUT", (int)key_len, key);
		cli_state_free(&s);
		return;
	}
	e = &s.e[0];
	fprintf(out, "%s %s %s", stamp, is_delete ? "DEL" : "PUT", e->rel);
	if (!is_delete) {
		if (e->value)
			summary(out, e);
		else
			fprintf(out, " (invalid value: %s)", e->err);
	}
	fprintf(out, "\n");
	cli_state_free(&s);
}
