/* lsp_args — `kvtectl lsp add NAME` flags to a config/lsps/<NAME> value
 * (schemas/lsp-request.schema.json), validated with lib/validate.h's
 * validate_lsp_request before anything is written, so kvtectl refuses exactly what the
 * controller would answer "invalid".
 *
 * Flags (each "--flag VALUE" or "--flag=VALUE"): --from, --to, --bandwidth (kept as
 * written: "200M"), --setup, --hold, --metric te|igp|delay, --exclude / --include-any /
 * --include-all (comma-separated admin group names), --avoid-node, --avoid-link,
 * --avoid-srlg (comma-separated), --max-hops, --max-delay-us, --explicit
 * "r2,r3:loose" (strict unless ":loose"), --protection none|link|node,
 * --diverse-from NAME, --diversity link|srlg, --comment TEXT, and --replace (no
 * value: overwrite an existing request). Numbers that do not parse as integers are
 * passed through as strings so the validator names the field and the rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/show.h"
#include "lib/validate.h"

enum kind { K_STR, K_INT, K_LIST, K_INT_LIST, K_HOPS };

static const struct flag {
	const char *name, *field;
	enum kind kind;
} flags[] = {
	{ "from", "from", K_STR },
	{ "to", "to", K_STR },
	{ "bandwidth", "bandwidth", K_STR },
	{ "setup", "setup_priority", K_INT },
	{ "hold", "hold_priority", K_INT },
	{ "metric", "metric", K_STR },
	{ "exclude", "exclude", K_LIST },
	{ "include-any", "include_any", K_LIST },
	{ "include-all", "include_all", K_LIST },
	{ "avoid-node", "avoid_nodes", K_LIST },
	{ "avoid-link", "avoid_links", K_LIST },
	{ "avoid-srlg", "avoid_srlgs", K_INT_LIST },
	{ "max-hops", "max_hops", K_INT },
	{ "max-delay-us", "max_delay_us", K_INT },
	{ "explicit", "explicit_hops", K_HOPS },
	{ "protection", "protection", K_STR },
	{ "diverse-from", "diverse_from", K_STR },
	{ "diversity", "diversity", K_STR },
	{ "comment", "comment", K_STR },
};

/* a decimal integer without sign or junk, else a string (the validator explains) */
static json_t *int_or_str(const char *s)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return json_string(s);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end || errno)
		return json_string(s);
	return json_integer(v);
}

static json_t *split(const char *s, enum kind kind)
{
	json_t *arr = json_array();
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy || !arr) {
		free(copy);
		json_decref(arr);
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (kind == K_INT_LIST) {
			json_array_append_new(arr, int_or_str(tok));
		} else if (kind == K_HOPS) {
			char *colon = strchr(tok, ':');
			json_t *hop;

			if (colon)
				*colon++ = '\0';
			hop = json_pack("{s:s}", "node", tok);
			if (colon)
				json_object_set_new(hop, "type", json_string(colon));
			json_array_append_new(arr, hop);
		} else {
			json_array_append_new(arr, json_string(tok));
		}
	}
	free(copy);
	return arr;
}

int lsp_args_build(int argc, char **argv, json_t **out, bool *replace, char *err,
		   size_t errlen)
{
	json_t *v = json_object();
	struct lsp_request *req;
	int rc;

	*out = NULL;
	*replace = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct flag *f = NULL;
		size_t nlen;
		json_t *x;

		if (strncmp(a, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument \"%s\"", a);
			json_decref(v);
			return -EINVAL;
		}
		a += 2;
		if (strcmp(a, "replace") == 0) {
			*replace = true;
			continue;
		}
		nlen = strcspn(a, "=");
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (strlen(flags[k].name) == nlen && strncmp(flags[k].name, a, nlen) == 0)
				f = &flags[k];
		if (!f) {
			snprintf(err, errlen, "unknown option --%.*s", (int)nlen, a);
			json_decref(v);
			return -EINVAL;
		}
		if (a[nlen] == '=')
			val = a + nlen + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val) {
			snprintf(err, errlen, "option --%s needs a value", f->name);
			json_decref(v);
			return -EINVAL;
		}
		switch (f->kind) {
		case K_STR: x = json_string(val); break;
		case K_INT: x = int_or_str(val); break;
		default: x = split(val, f->kind); break;
		}
		if (!x) {
			snprintf(err, errlen, "--%s: not valid text", f->name);
			json_decref(v);
			return -EDOM;
		}
		json_object_set_new(v, f->field, x);
	}
	if (!(req = malloc(sizeof(*req)))) {
		json_decref(v);
		return -ENOMEM;
	}
	rc = validate_lsp_request(v, req, err, errlen);
	free(req);
	if (rc < 0) {
		json_decref(v);
		return -EDOM;
	}
	*out = v;
	return 0;
}
