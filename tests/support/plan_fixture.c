/* plan_fixture — shared helpers for the controller's planning tests (see plan_fixture.h). */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/jx.h"
#include "lib/keys.h"
#include "te-controller/cspf.h"
#include "tests/support/plan_fixture.h"

static keys_t keys;

static const char *src_dir(void)
{
	const char *s = getenv("KVTE_SOURCE_DIR");

	return s ? s : ".";
}

void pf_setup(void)
{
	ck_assert_int_eq(keys_init(&keys, NULL), 0);
}

void pf_load_seed(ted_t *t, const char *skip, pf_edit_fn *edit, void *arg)
{
	char pat[1024], err[512];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/te-controller/testdata/seed/*.json", src_dir());
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	ted_init(t);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		jx_ctx c;
		json_t *v;

		jx_init(&c, NULL);
		v = jx_load_file(&c, g.gl_pathv[i]);
		ck_assert_msg(v != NULL, "%s", c.err);
		if (strncmp(base, "ted-lsp-", 8) == 0) {
			const char *id;

			if (edit)
				edit(v, arg);
			id = json_string_value(json_object_get(v, "lsp_id"));
			ck_assert_msg(id != NULL, "%s has no lsp_id", base);
			if (!skip || strncmp(id, skip, strlen(skip)) != 0)
				ck_assert_msg(ted_lsp_update(t, id, v, err, sizeof(err)) == 0, "%s",
					      err);
		} else if (strncmp(base, "speaker-", 8) == 0) {
			ck_assert_msg(ted_speaker_update(t, v, err, sizeof(err)) == 0, "%s", err);
		}
		json_decref(v);
	}
	globfree(&g);
	ck_assert_int_eq(ted_commit(t), 0);
}

void pf_reqs_add(struct pf_reqs *s, const char *name, const char *text)
{
	jx_ctx c;

	ck_assert_uint_lt(s->n, PF_MAX_REQS);
	jx_init(&c, name);
	s->v[s->n] = jx_loads(&c, text, strlen(text));
	snprintf(s->bad[s->n], sizeof(s->bad[0]), "%s", c.err);
	s->r[s->n] = (struct plan_request){ .name = name, .value = s->v[s->n],
					    .bad_json = s->bad[s->n], .revision = 42 };
	s->n++;
}

void pf_reqs_free(struct pf_reqs *s)
{
	for (size_t i = 0; i < s->n; i++)
		json_decref(s->v[i]);
	s->n = 0;
}

json_t *pf_plan(const struct plan_input *in, const struct pf_reqs *s, struct plan_stats *st)
{
	struct plan_input all = *in;
	struct cspf_ws *ws = cspf_ws_new();
	json_t *out = NULL;

	all.keys = &keys;
	all.reqs = s->r;
	all.n_reqs = s->n;
	ck_assert_ptr_nonnull(ws);
	ck_assert_int_eq(plan_compute(&all, ws, &out, st), 0);
	ck_assert_ptr_nonnull(out);
	cspf_ws_free(ws);
	return out;
}

const json_t *pf_get(const json_t *desired, const char *key)
{
	char full[KEYS_MAX];

	snprintf(full, sizeof(full), "/kvte/%s", key);
	return json_object_get(desired, full);
}

char *pf_text(const json_t *v, const char *field)
{
	static char buf[4096];
	char *s;

	if (field[0])
		v = json_object_get(v, field);
	ck_assert_msg(v != NULL, "no field %s", field);
	s = jx_dumps(v);
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

const char *pf_str(const json_t *v, const char *field)
{
	const char *s = json_string_value(json_object_get(v, field));

	ck_assert_msg(s != NULL, "no string field %s", field);
	return s;
}

json_t *pf_prev_paths(const json_t *desired)
{
	json_t *o = json_object();
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)desired, k, v) {
		const char *p = strstr(k, "/te/paths/");

		if (p && strncmp(k, "/kvte/te/paths/", 15) == 0)
			json_object_set(o, p + 10, v);
	}
	return o;
}

bool pf_have_jsonschema(void)
{
	return system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

/* validate.py on every file of <dir>/<family>/; its exit status (quiet unless print) */
static int validate_family(const char *dir, const char *family, bool print)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas %s %s/%s/*.json %s",
		 src_dir(), src_dir(), family, dir, family, print ? ">&2" : ">/dev/null");
	return system(cmd);
}

/* Each value goes to <tmp>/<family>/<n>-<key, '/' -> '_'>.json (so validate.py's
 * FAIL lines name the key); then one validate.py run per family. */
size_t pf_schema_check(const json_t *desired)
{
	char dir[] = "/tmp/kvte-plan-XXXXXX", path[2048], bad[1024] = "";
	const char *families[64];
	size_t n = 0, n_fam = 0;
	const char *k;
	json_t *v;

	if (!pf_have_jsonschema()) {
		fprintf(stderr, "plan_fixture: python3-jsonschema not installed: schema "
				"validation skipped\n");
		return 0;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	json_object_foreach((json_t *)desired, k, v) {
		struct key_info ki;
		int fam = keys_parse(&keys, k, &ki);
		const char *name;
		bool seen = false;
		const char *q;
		char *s, *p;
		FILE *f;
		int len;

		ck_assert_msg(fam >= 0, "desired key %s does not parse", k);
		name = keys_family_name(fam);
		for (size_t i = 0; i < n_fam; i++)
			seen |= strcmp(families[i], name) == 0;
		if (!seen) {
			ck_assert_uint_lt(n_fam, sizeof(families) / sizeof(families[0]));
			families[n_fam++] = name;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			ck_assert_int_eq(mkdir(path, 0700), 0);
		}
		len = snprintf(path, sizeof(path), "%s/%s/%zu-", dir, name, n++);
		ck_assert(len > 0 && (size_t)len < sizeof(path));
		for (p = path + len, q = k; *q && p < path + sizeof(path) - 6; q++)
			*p++ = *q == '/' ? '_' : *q;
		snprintf(p, 6, ".json");
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		s = jx_dumps(v);
		fputs(s, f);
		free(s);
		fclose(f);
	}
	for (size_t i = 0; i < n_fam; i++) {
		int st = validate_family(dir, families[i], false);

		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			validate_family(dir, families[i], true); /* which value, and why */
			snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), " %s", families[i]);
		}
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
	ck_assert_msg(bad[0] == '\0', "values fail their schema (see stderr):%s", bad);
	return n;
}
