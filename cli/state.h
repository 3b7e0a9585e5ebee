/* state — the set of etcd key/values kvtectl shows, and the small text helpers every
 * show_*.c shares.
 *
 * kvtectl's formatting core is pure: the edge (cli/kvtectl_main.c) ranges etcd, puts
 * every key/value it got into a cli_state, and hands that to a show_* function that
 * writes text or JSON to a FILE. The golden tests build the same cli_state from a JSON
 * object (tests/data/kvtectl/seed-state.json) instead, so they need no etcd. Each entry
 * keeps its key, its parsed key (lib/keys.h: family and components), and its value
 * parsed as JSON (lib/jx.h); a value that is not JSON keeps its error, and the show
 * functions print such keys as "(invalid value: <reason>)" instead of failing. Keys
 * outside the documented families are kept too (family -1): `watch` still shows them.
 * Also: an aligned-column table builder, bandwidth and list formatting, and the
 * "key relative to the root" helper. Used by every cli/show_*.c, cli/watch_fmt.c,
 * cli/graph.c and tests/unit/test_kvtectl_show.c. */
#ifndef KVTE_CLI_STATE_H
#define KVTE_CLI_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/etcd/etcd.h"
#include "lib/jx.h"
#include "lib/keys.h"

#define CLI_ERR_LEN 512

struct cli_entry {
	char *key;          /* the full key ("/kvte/te/paths/r1-to-r4") */
	const char *rel;    /* the key below the root ("te/paths/r1-to-r4"), into key */
	int family;         /* enum key_family, or -1 for a key of no kvte family */
	struct key_info ki; /* components (valid when family >= 0) */
	char *raw;          /* the value's bytes, NUL-terminated */
	size_t raw_len;
	json_t *value;      /* parsed value; NULL when it is not JSON (see err) */
	char err[CLI_ERR_LEN]; /* why value is NULL, "" otherwise */
};

struct cli_state {
	keys_t keys;
	struct cli_entry *e; /* sorted by key after cli_state_sort */
	size_t n, cap;
};

/* root NULL: "/kvte/". Returns 0 or -EINVAL (bad root). */
int cli_state_init(struct cli_state *s, const char *root);
void cli_state_free(struct cli_state *s);
/* Add one key/value (bytes copied). Keys outside the root are ignored. 0 or -ENOMEM. */
int cli_state_add(struct cli_state *s, const char *key, size_t key_len, const char *val,
		  size_t val_len);
/* Add every kv of an etcd range result. */
int cli_state_add_kvs(struct cli_state *s, const struct etcd_kv *kvs, size_t n);
/* Add every member of a JSON object key -> value (a JSON string value is taken as the
 * raw bytes, anything else is serialised compactly with sorted keys). Keys may be full
 * ("/kvte/te/leader") or relative to the root ("te/leader"). 0, -EINVAL, -ENOMEM. */
int cli_state_add_object(struct cli_state *s, const json_t *obj);
/* Sort by key (range results already are; objects need it). */
void cli_state_sort(struct cli_state *s);

/* The entry with this full key, or NULL. */
const struct cli_entry *cli_state_get(const struct cli_state *s, const char *key);
/* Iterate the entries of one family: start with *i = 0; NULL at the end. */
const struct cli_entry *cli_state_next(const struct cli_state *s, int family, size_t *i);
/* The key's path below the root ("te/paths/r1-to-r4"); key itself if outside it. */
const char *cli_rel_key(const keys_t *k, const char *key);

/* ---- text helpers ---- */

/* A table of left-aligned columns separated by two spaces (no trailing blanks). */
struct cli_table {
	size_t ncols;
	char **cells; /* row-major */
	size_t nrows, cap;
	size_t col;   /* next cell's column in the current row */
	int indent;
};
void cli_table_init(struct cli_table *t, size_t ncols, int indent);
void cli_table_cell(struct cli_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print every row and free the cells (the table can be reused). */
void cli_table_print(struct cli_table *t, FILE *out);
void cli_table_free(struct cli_table *t);

/* "200M", "1G", "1.5G" (bits/s, lib/validate.h bw_format); a non-integral or negative
 * value is rounded. */
const char *cli_bw(double bps, char *buf, size_t len);
/* Join the strings of a JSON array with sep ("r1 r2 r4"); non-strings shown as JSON;
 * "-" for an empty or absent array. Returns a malloc'd string. */
char *cli_join(const json_t *arr, const char *sep);
/* A short JSON rendering (compact, sorted keys), cut to max bytes with "...". */
char *cli_json_short(const json_t *v, size_t max);
/* Print a JSON value with 2-space indent and a final newline. */
void cli_json_print(FILE *out, const json_t *v);
/* json_object_get for a string member, or dflt. */
const char *cli_str(const json_t *obj, const char *field, const char *dflt);
/* Integer member, or dflt (reals are truncated). */
int64_t cli_int(const json_t *obj, const char *field, int64_t dflt);
/* An "invalid": [{"key","error"}] list entry for JSON outputs. */
void cli_json_invalid(json_t *invalid, const char *rel, const char *why);

#endif
