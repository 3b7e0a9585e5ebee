/* jx — JSON helpers over jansson with precise errors.
 *
 * A jx_ctx reads a jansson value field by field, tracking the JSON path of what it is
 * reading ("interfaces[2].te.bandwidth") and keeping the first error it meets (sticky:
 * later calls are no-ops that return false). Messages read
 * "<source>: <path>: <reason>", e.g.
 * "r1.json: interfaces[2].metric: expected an integer 1..16777215, got \"abc\"".
 * Used for every config file (config loading = jx_load_file + typed getters), for
 * operator-written etcd values (lib/validate.c) and for values read back from etcd.
 * Works with lib/addr.h for address and prefix fields. */
#ifndef KVTE_LIB_JX_H
#define KVTE_LIB_JX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

typedef struct jx_ctx {
	const char *source; /* file name or etcd key, for messages; may be NULL */
	char path[256];     /* current JSON path, "" at the root */
	size_t path_len;
	char err[512];      /* first error, "" while none */
	bool failed;
} jx_ctx;

void jx_init(jx_ctx *c, const char *source);

/* Path tracking: push returns a mark to pass to jx_pop. A field name that is empty or
 * holds '.', '[', ']', '"', '\\', blanks or control characters is shown quoted,
 * routes["10.0.0.0/24"].metric, so paths stay unambiguous. A path longer than the
 * buffer is cut. */
size_t jx_push_field(jx_ctx *c, const char *name);
size_t jx_push_index(jx_ctx *c, size_t index);
void jx_pop(jx_ctx *c, size_t mark);

/* Record an error at the current path (only the first one is kept). Always returns
 * false so a caller can `return jx_fail(c, "...")`. */
bool jx_fail(jx_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, at path + "." + field. */
bool jx_fail_field(jx_ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Short, readable rendering of a JSON value for error messages ("\"abc\"", "12",
 * "an object", "an array", "null"); returns buf. */
const char *jx_describe(const json_t *v, char *buf, size_t len);

/* Typed getters. Each looks up `field` in object `obj`. Absent (or null) and not
 * required: returns true and leaves *out untouched. Absent and required: error
 * "missing". Wrong type or out of range: error naming the expectation and what was
 * found (a required field that is null is a type error: "got null"). A non-object
 * `obj` is an error at the current path. On failure *out is untouched. Strings with
 * an embedded NUL are rejected. Return true on success. */
bool jx_get_string(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   const char **out);
bool jx_get_int(jx_ctx *c, const json_t *obj, const char *field, bool required,
		int64_t min, int64_t max, int64_t *out);
bool jx_get_number(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   double min, double max, double *out);
bool jx_get_bool(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 bool *out);
/* `names` is NULL-terminated; *out is the index of the match. */
bool jx_get_enum(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 const char *const *names, int *out);
bool jx_get_object(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   json_t **out);
bool jx_get_array(jx_ctx *c, const json_t *obj, const char *field, bool required,
		  json_t **out);
bool jx_get_addr(jx_ctx *c, const json_t *obj, const char *field, bool required,
		 addr_t *out);
bool jx_get_prefix(jx_ctx *c, const json_t *obj, const char *field, bool required,
		   prefix_t *out);

/* Rejects any field of `obj` not in NULL-terminated `allowed`, naming it (catches
 * typos like "bandwith"). */
bool jx_check_fields(jx_ctx *c, const json_t *obj, const char *const *allowed);

/* Parse text or a file (top level must be an object or array; duplicate keys are an
 * error). On error returns NULL with "file:line:col: reason" (or "file: cannot open:
 * <strerror>") in c->err; jx_loads names c->source, jx_load_file names `path`. */
json_t *jx_loads(jx_ctx *c, const char *text, size_t len);
json_t *jx_load_file(jx_ctx *c, const char *path);

/* Compact, key-sorted serialisation (stable bytes for etcd values and golden files).
 * Any value, not only objects; "/" is not escaped. Caller frees with free(). NULL
 * only on allocation failure (or if v is NULL). */
char *jx_dumps(const json_t *v);

#endif
