/* jx — typed, path-tracking reads of jansson values with one precise error message.
 * A jx_ctx keeps the JSON path being read ("interfaces[2].te.bandwidth") and the first
 * error ("r1.json: interfaces[2].te.bandwidth: expected a number 0..1e+12, got \"x\"");
 * after it every getter is a no-op returning false, so config readers can chain
 * getters and check once. Also parses text and files (errors as "file:line:col:
 * reason") and serialises values compactly with sorted keys for etcd and golden files.
 * Implements lib/jx.h over jansson; addresses and prefixes are checked with lib/addr.c.
 * Used by config loading in every daemon, lib/validate.c and kvtectl. */
#include "lib/jx.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define JX_SHOW_MAX 40 /* bytes of a string value shown in a message */

void jx_init(jx_ctx *c, const char *source)
{
	if (!c)
		return;
	memset(c, 0, sizeof(*c));
	c->source = source;
}

/* Appends up to what fits; the path stays NUL-terminated and path_len exact. */
static void path_append(jx_ctx *c, const char *s, size_t n)
{
	size_t room = sizeof(c->path) - 1 - c->path_len;

	if (n > room)
		n = room;
	memcpy(c->path + c->path_len, s, n);
	c->path_len += n;
	c->path[c->path_len] = '\0';
}

/* Writes s (n bytes) as a double-quoted string into dst (capacity cap >= 1): JSON
 * escapes for '"', '\\' and control bytes, at most `limit` bytes of content, then
 * "..." inside the quotes if cut. UTF-8 sequences are never split. Returns dst. */
static char *quote(char *dst, size_t cap, const char *s, size_t n, size_t limit)
{
	const unsigned char *u = (const unsigned char *)s;
	char tmp[8];
	size_t o = 0, used = 0, i = 0;
	bool cut = false;

	if (cap < 3) {
		dst[0] = '\0';
		return dst;
	}
	dst[o++] = '"';
	while (i < n) {
		size_t step = 1, tlen;

		if (u[i] == '"' || u[i] == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)u[i];
			tlen = 2;
		} else if (u[i] == '\n') {
			tlen = (size_t)snprintf(tmp, sizeof(tmp), "\\n");
		} else if (u[i] == '\t') {
			tlen = (size_t)snprintf(tmp, sizeof(tmp), "\\t");
		} else if (u[i] == '\r') {
			tlen = (size_t)snprintf(tmp, sizeof(tmp), "\\r");
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			tlen = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", u[i]);
		} else {
			if (u[i] >= 0xf0)
				step = 4;
			else if (u[i] >= 0xe0)
				step = 3;
			else if (u[i] >= 0xc0)
				step = 2;
			if (step > n - i)
				step = n - i;
			tlen = 0;
		}
		if (tlen == 0) {
			if (used + step > limit || o + step + 5 > cap) {
				cut = true;
				break;
			}
			memcpy(dst + o, u + i, step);
		} else {
			step = 1;
			if (used + tlen > limit || o + tlen + 5 > cap) {
				cut = true;
				break;
			}
			memcpy(dst + o, tmp, tlen);
		}
		o += tlen ? tlen : step;
		used += tlen ? tlen : step;
		i += step;
	}
	if (cut && o + 5 <= cap) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return dst;
}

/* A name is shown bare unless it is empty or holds characters that would make the
 * path ambiguous or hard to read; then it is shown as ["name"]. */
static bool name_is_plain(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p <= ' ' || *p == 0x7f || strchr(".[]\"\\", *p))
			return false;
	}
	return true;
}

size_t jx_push_field(jx_ctx *c, const char *name)
{
	size_t mark;

	if (!c)
		return 0;
	mark = c->path_len;
	if (!name)
		name = "";
	if (name_is_plain(name)) {
		if (c->path_len > 0)
			path_append(c, ".", 1);
		path_append(c, name, strlen(name));
	} else {
		char q[sizeof(c->path)];

		quote(q, sizeof(q), name, strlen(name), JX_SHOW_MAX);
		path_append(c, "[", 1);
		path_append(c, q, strlen(q));
		path_append(c, "]", 1);
	}
	return mark;
}

size_t jx_push_index(jx_ctx *c, size_t index)
{
	char buf[32];
	size_t mark;
	int n;

	if (!c)
		return 0;
	mark = c->path_len;
	n = snprintf(buf, sizeof(buf), "[%zu]", index);
	path_append(c, buf, (size_t)n);
	return mark;
}

void jx_pop(jx_ctx *c, size_t mark)
{
	if (!c || mark > c->path_len)
		return;
	c->path_len = mark;
	c->path[mark] = '\0';
}

static bool jx_vfail(jx_ctx *c, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static bool jx_vfail(jx_ctx *c, const char *fmt, va_list ap)
{
	char reason[sizeof(c->err)];
	const char *path;
	int n;

	if (!c || c->failed)
		return false;
	if (vsnprintf(reason, sizeof(reason), fmt, ap) < 0)
		reason[0] = '\0';
	path = c->path_len ? c->path : "(root)";
	if (c->source)
		n = snprintf(c->err, sizeof(c->err), "%s: %s: %s", c->source, path, reason);
	else
		n = snprintf(c->err, sizeof(c->err), "%s: %s", path, reason);
	if (n < 0)
		c->err[0] = '\0';
	c->failed = true;
	return false;
}

bool jx_fail(jx_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jx_vfail(c, fmt, ap);
	va_end(ap);
	return false;
}

bool jx_fail_field(jx_ctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;
	size_t mark;

	if (!c || c->failed)
		return false;
	mark = jx_push_field(c, field);
	va_start(ap, fmt);
	jx_vfail(c, fmt, ap);
	va_end(ap);
	jx_pop(c, mark);
	return false;
}

/* "%.15g" when it reads back exactly, else "%.17g"; always shows it is a real. */
static void format_real(double d, char *buf, size_t len)
{
	if (snprintf(buf, len, "%.15g", d) > 0 && strtod(buf, NULL) != d)
		snprintf(buf, len, "%.17g", d);
	if (isfinite(d) && !strpbrk(buf, ".e") && strlen(buf) + 3 <= len)
		strcat(buf, ".0");
}

const char *jx_describe(const json_t *v, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		snprintf(buf, len, "an object");
		break;
	case JSON_ARRAY:
		snprintf(buf, len, "an array");
		break;
	case JSON_STRING:
		quote(buf, len, json_string_value(v), json_string_length(v), JX_SHOW_MAX);
		break;
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(json_real_value(v), buf, len);
		break;
	case JSON_TRUE:
		snprintf(buf, len, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, len, "false");
		break;
	case JSON_NULL:
	default:
		snprintf(buf, len, v ? "null" : "nothing");
		break;
	}
	return buf;
}

/* Finds `field` in `obj`. Returns the value, or NULL with *ok saying whether that is
 * fine (absent or null, not required) or an error has been recorded. A required
 * field that is null is returned so the caller reports the type mismatch. */
static json_t *lookup(jx_ctx *c, const json_t *obj, const char *field, bool required,
		      bool *ok)
{
	char got[64];
	json_t *v;

	*ok = false;
	if (!c || c->failed)
		return NULL;
	if (!field) {
		jx_fail(c, "internal error: no field name");
		return NULL;
	}
	if (!json_is_object(obj)) {
		jx_fail(c, "expected an object, got %s", jx_describe(obj, got, sizeof(got)));
		return NULL;
	}
	v = json_object_get(obj, field);
	if (!v || (json_is_null(v) && !required)) {
		if (required)
			jx_fail_field(c, field, "missing");
		else
			*ok = true;
		return NULL;
	}
	*ok = true;
	return v;
}

static bool fail_type(jx_ctx *c, const char *field, const char *expected, const json_t *v)
{
	char got[64];

	return jx_fail_field(c, field, "expected %s, got %s", expected,
			     jx_describe(v, got, sizeof(got)));
}

bool jx_get_string(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   const char **out)
{
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);

	if (!v)
		return ok;
	if (!json_is_string(v))
		return fail_type(c, field, "a string", v);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail_type(c, field, "a string without NUL characters", v);
	*out = json_string_value(v);
	return true;
}

static void int_expectation(char *buf, size_t len, int64_t min, int64_t max)
{
	if (min == INT64_MIN && max == INT64_MAX)
		snprintf(buf, len, "an integer");
	else if (min == INT64_MIN)
		snprintf(buf, len, "an integer <= %" PRId64, max);
	else if (max == INT64_MAX)
		snprintf(buf, len, "an integer >= %" PRId64, min);
	else
		snprintf(buf, len, "an integer %" PRId64 "..%" PRId64, min, max);
}

bool jx_get_int(jx_ctx *c, const json_t *obj, const char *field, bool required,
		int64_t min, int64_t max, int64_t *out)
{
	char want[96];
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);
	int64_t i;

	if (!v)
		return ok;
	int_expectation(want, sizeof(want), min, max);
	if (!json_is_integer(v))
		return fail_type(c, field, want, v);
	i = (int64_t)json_integer_value(v);
	if (i < min || i > max)
		return fail_type(c, field, want, v);
	*out = i;
	return true;
}

static void number_expectation(char *buf, size_t len, double min, double max)
{
	bool lo = !(min <= -DBL_MAX), hi = !(max >= DBL_MAX);

	if (!lo && !hi)
		snprintf(buf, len, "a number");
	else if (!lo)
		snprintf(buf, len, "a number <= %g", max);
	else if (!hi)
		snprintf(buf, len, "a number >= %g", min);
	else
		snprintf(buf, len, "a number %g..%g", min, max);
}

bool jx_get_number(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   double min, double max, double *out)
{
	char want[96];
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);
	double d;

	if (!v)
		return ok;
	number_expectation(want, sizeof(want), min, max);
	if (!json_is_number(v))
		return fail_type(c, field, want, v);
	d = json_number_value(v);
	if (!(d >= min && d <= max))
		return fail_type(c, field, want, v);
	*out = d;
	return true;
}

bool jx_get_bool(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 bool *out)
{
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);

	if (!v)
		return ok;
	if (!json_is_boolean(v))
		return fail_type(c, field, "true or false", v);
	*out = json_is_true(v);
	return true;
}

bool jx_get_enum(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 const char *const *names, int *out)
{
	char want[384], q[64];
	size_t n = 0;
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);

	if (!v)
		return ok;
	if (json_is_string(v) && names &&
	    strlen(json_string_value(v)) == json_string_length(v)) {
		for (int i = 0; names[i]; i++) {
			if (strcmp(names[i], json_string_value(v)) == 0) {
				*out = i;
				return true;
			}
		}
	}
	n = (size_t)snprintf(want, sizeof(want), "one of ");
	for (size_t i = 0; names && names[i] && n < sizeof(want); i++) {
		quote(q, sizeof(q), names[i], strlen(names[i]), sizeof(q));
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%s", i ? ", " : "", q);
	}
	if (!names || !names[0])
		snprintf(want, sizeof(want), "one of (no values)");
	return fail_type(c, field, want, v);
}

bool jx_get_object(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   json_t **out)
{
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);

	if (!v)
		return ok;
	if (!json_is_object(v))
		return fail_type(c, field, "an object", v);
	*out = v;
	return true;
}

bool jx_get_array(jx_ctx *c, const json_t *obj, const char *field, bool required,
		  json_t **out)
{
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);

	if (!v)
		return ok;
	if (!json_is_array(v))
		return fail_type(c, field, "an array", v);
	*out = v;
	return true;
}

bool jx_get_addr(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 addr_t *out)
{
	static const char want[] = "an IP address like \"192.0.2.1\" or \"fc00::1\"";
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);
	addr_t a;

	if (!v)
		return ok;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
	    addr_parse(json_string_value(v), &a) < 0)
		return fail_type(c, field, want, v);
	*out = a;
	return true;
}

bool jx_get_prefix(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   prefix_t *out)
{
	static const char want[] = "a prefix like \"10.0.0.0/24\"";
	char got[64];
	bool ok;
	json_t *v = lookup(c, obj, field, required, &ok);
	const char *s;
	prefix_t p;

	if (!v)
		return ok;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return fail_type(c, field, want, v);
	s = json_string_value(v);
	if (prefix_parse(s, false, &p) == 0) {
		*out = p;
		return true;
	}
	if (prefix_parse(s, true, &p) == 0)
		return jx_fail_field(c, field, "expected %s, got %s (host bits set)", want,
				     jx_describe(v, got, sizeof(got)));
	return fail_type(c, field, want, v);
}

bool jx_check_fields(jx_ctx *c, const json_t *obj, const char *const *allowed)
{
	char got[64];
	const char *key;
	size_t key_len;
	json_t *v;

	if (!c || c->failed)
		return false;
	if (!json_is_object(obj))
		return jx_fail(c, "expected an object, got %s",
			       jx_describe(obj, got, sizeof(got)));
	json_object_keylen_foreach((json_t *)obj, key, key_len, v) {
		bool known = false;

		for (size_t i = 0; allowed && allowed[i] && !known; i++)
			known = strlen(allowed[i]) == key_len &&
				memcmp(allowed[i], key, key_len) == 0;
		if (!known)
			return jx_fail(c, "unknown field %s",
				       quote(got, sizeof(got), key, key_len, JX_SHOW_MAX));
	}
	return true;
}

/* Records a jansson decode error as "name:line:col: text" (name and position left
 * out when unknown). */
static void load_error(jx_ctx *c, const char *name, const json_error_t *e)
{
	char pos[48] = "";

	if (e->line > 0)
		snprintf(pos, sizeof(pos), "%d:%d: ", e->line, e->column);
	if (name)
		snprintf(c->err, sizeof(c->err), "%s:%s%s%s", name, *pos ? "" : " ", pos,
			 e->text);
	else
		snprintf(c->err, sizeof(c->err), "%s%s", pos, e->text);
	c->failed = true;
}

static json_t *load_buf(jx_ctx *c, const char *name, const char *text, size_t len)
{
	json_error_t e;
	json_t *v;

	v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (!v)
		load_error(c, name, &e);
	return v;
}

json_t *jx_loads(jx_ctx *c, const char *text, size_t len)
{
	if (!c || c->failed)
		return NULL;
	if (!text) {
		jx_fail(c, "no text to parse");
		return NULL;
	}
	return load_buf(c, c->source, text, len);
}

/* Reads all of f into a malloc'd buffer. Returns 0 or -errno. */
static int read_all(FILE *f, char **out, size_t *out_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0) {
			if (ferror(f)) {
				int err = errno ? errno : EIO;

				free(buf);
				return -err;
			}
			break;
		}
		if (len == cap) {
			if (cap > SIZE_MAX / 2 || !(nb = realloc(buf, cap * 2))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
	}
	*out = buf;
	*out_len = len;
	return 0;
}

json_t *jx_load_file(jx_ctx *c, const char *path)
{
	struct stat st;
	json_t *v = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!c || c->failed)
		return NULL;
	if (!path) {
		jx_fail(c, "no file name");
		return NULL;
	}
	f = fopen(path, "re");
	if (!f) {
		snprintf(c->err, sizeof(c->err), "%s: cannot open: %s", path, strerror(errno));
		c->failed = true;
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		snprintf(c->err, sizeof(c->err), "%s: cannot open: %s", path, strerror(-r));
		c->failed = true;
	} else if ((r = read_all(f, &text, &len)) < 0) {
		snprintf(c->err, sizeof(c->err), "%s: cannot read: %s", path, strerror(-r));
		c->failed = true;
	} else {
		v = load_buf(c, path, text, len);
		free(text);
	}
	fclose(f);
	return v;
}

char *jx_dumps(const json_t *v)
{
	if (!v)
		return NULL;
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}
