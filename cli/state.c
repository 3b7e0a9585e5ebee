/* state — kvtectl's view of etcd: key/values parsed once (keys via lib/keys.c, values
 * via lib/jx.c), sorted by key, plus the text helpers the show_*.c files share (column
 * tables, bandwidths, joined lists, short JSON). Pure: no I/O except writing to the
 * FILE a caller passes. See cli/state.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/state.h"
#include "lib/validate.h"

int cli_state_init(struct cli_state *s, const char *root)
{
	memset(s, 0, sizeof(*s));
	return keys_init(&s->keys, root);
}

void cli_state_free(struct cli_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].key);
		free(s->e[i].raw);
		json_decref(s->e[i].value);
	}
	free(s->e);
	memset(s, 0, sizeof(*s));
}

const char *cli_rel_key(const keys_t *k, const char *key)
{
	const char *root = keys_root(k);
	size_t n = strlen(root);

	return strncmp(key, root, n) == 0 ? key + n : key;
}

int cli_state_add(struct cli_state *s, const char *key, size_t key_len, const char *val,
		  size_t val_len)
{
	const char *root = keys_root(&s->keys);
	struct cli_entry *e;
	jx_ctx jc;

	if (key_len < strlen(root) || memcmp(key, root, strlen(root)) != 0)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct cli_entry *ne = realloc(s->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		s->e = ne;
		s->cap = cap;
	}
	e = &s->e[s->n];
	memset(e, 0, sizeof(*e));
	e->key = strndup(key, key_len);
	e->raw = malloc(val_len + 1);
	if (!e->key || !e->raw) {
		free(e->key);
		free(e->raw);
		return -ENOMEM;
	}
	memcpy(e->raw, val, val_len);
	e->raw[val_len] = '\0';
	e->raw_len = val_len;
	e->rel = e->key + strlen(root);
	e->family = keys_parse_n(&s->keys, key, key_len, &e->ki);
	if (e->family < 0)
		e->family = -1;
	jx_init(&jc, NULL);
	if (val_len == 0) {
		snprintf(e->err, sizeof(e->err), "empty value");
	} else if (!(e->value = jx_loads(&jc, e->raw, val_len))) {
		snprintf(e->err, sizeof(e->err), "%s", jc.err[0] ? jc.err : "not JSON");
	} else if (!json_is_object(e->value)) {
		snprintf(e->err, sizeof(e->err), "expected a JSON object, got an array");
		json_decref(e->value);
		e->value = NULL;
	}
	s->n++;
	return 0;
}

int cli_state_add_kvs(struct cli_state *s, const struct etcd_kv *kvs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = cli_state_add(s, kvs[i].key, kvs[i].key_len, kvs[i].value,
				       kvs[i].value_len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int cli_state_add_object(struct cli_state *s, const json_t *obj)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return -EINVAL;
	json_object_foreach((json_t *)obj, k, v) {
		char full[KEYS_MAX + 256];
		char *text = NULL;
		const char *val;
		size_t len;
		int rc;

		if (k[0] == '/')
			snprintf(full, sizeof(full), "%s", k);
		else
			snprintf(full, sizeof(full), "%s%s", keys_root(&s->keys), k);
		if (json_is_string(v)) {
			val = json_string_value(v);
			len = json_string_length(v);
		} else {
			if (!(text = jx_dumps(v)))
				return -ENOMEM;
			val = text;
			len = strlen(text);
		}
		rc = cli_state_add(s, full, strlen(full), val, len);
		free(text);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cli_entry *)a)->key, ((const struct cli_entry *)b)->key);
}

void cli_state_sort(struct cli_state *s)
{
	if (s->n > 1)
		qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	for (size_t i = 0; i < s->n; i++)
		s->e[i].rel = s->e[i].key + strlen(keys_root(&s->keys));
}

const struct cli_entry *cli_state_get(const struct cli_state *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->e[mid].key, key);

		if (c == 0)
			return &s->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct cli_entry *cli_state_next(const struct cli_state *s, int family, size_t *i)
{
	while (*i < s->n) {
		const struct cli_entry *e = &s->e[(*i)++];

		if (e->family == family)
			return e;
	}
	return NULL;
}

/* ---- tables ---- */

void cli_table_init(struct cli_table *t, size_t ncols, int indent)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->indent = indent;
}

void cli_table_cell(struct cli_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (t->col == 0) {
		if (t->nrows == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			char **nc = realloc(t->cells, cap * t->ncols * sizeof(*nc));

			if (!nc)
				return;
			t->cells = nc;
			t->cap = cap;
		}
		memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(char *));
		t->nrows++;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	t->cells[(t->nrows - 1) * t->ncols + t->col] = s;
	t->col = (t->col + 1) % t->ncols;
}

void cli_table_print(struct cli_table *t, FILE *out)
{
	size_t w[32] = { 0 };
	size_t nc = t->ncols < 32 ? t->ncols : 32;

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < nc; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t n = s ? strlen(s) : 0;

			if (n > w[c])
				w[c] = n;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = 0;

		for (size_t c = 0; c < nc; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (s && *s)
				last = c;
		}
		fprintf(out, "%*s", t->indent, "");
		for (size_t c = 0; c <= last; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c == last)
				fprintf(out, "%s\n", s ? s : "");
			else
				fprintf(out, "%-*s  ", (int)w[c], s ? s : "");
		}
	}
	cli_table_free(t);
}

void cli_table_free(struct cli_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = t->col = 0;
}

/* ---- values ---- */

const char *cli_bw(double bps, char *buf, size_t len)
{
	if (!isfinite(bps) || bps < 0 || bps > (double)BW_MAX) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (bw_format((uint64_t)llround(bps), buf, len) < 0)
		snprintf(buf, len, "?");
	return buf;
}

char *cli_join(const json_t *arr, const char *sep)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return strdup("-");
	if (!(f = open_memstream(&out, &len)))
		return NULL;
	json_array_foreach(arr, i, v) {
		if (i)
			fputs(sep, f);
		if (json_is_string(v)) {
			fputs(json_string_value(v), f);
		} else {
			char *t = jx_dumps(v);

			fputs(t ? t : "?", f);
			free(t);
		}
	}
	fclose(f);
	return out;
}

char *cli_json_short(const json_t *v, size_t max)
{
	char *t = jx_dumps(v);

	if (t && max > 3 && strlen(t) > max)
		strcpy(t + max - 3, "...");
	return t;
}

void cli_json_print(FILE *out, const json_t *v)
{
	char *t = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	fprintf(out, "%s\n", t ? t : "null");
	free(t);
}

const char *cli_str(const json_t *obj, const char *field, const char *dflt)
{
	const json_t *v = json_object_get(obj, field);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t cli_int(const json_t *obj, const char *field, int64_t dflt)
{
	const json_t *v = json_object_get(obj, field);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v) && isfinite(json_real_value(v)) &&
	    fabs(json_real_value(v)) < 9e18)
		return (int64_t)json_real_value(v);
	return dflt;
}

void cli_json_invalid(json_t *invalid, const char *rel, const char *why)
{
	json_array_append_new(invalid, json_pack("{s:s,s:s}", "key", rel, "error", why));
}
