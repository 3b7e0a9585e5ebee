/* map — a string-keyed hash map (separate chaining, grows by doubling) for the tables
 * kvte-bgp keeps per peer and per etcd key: 100k-prefix tables need O(1) lookups and
 * deletes, and iteration that survives deleting the current entry. Values are opaque
 * pointers owned by the caller. Pure; used by bgp/rib.c and bgp/store.c. */
#ifndef KVTE_BGP_MAP_H
#define KVTE_BGP_MAP_H

#include <stddef.h>
#include <stdint.h>

struct bgp_map_ent {
	struct bgp_map_ent *next;
	uint64_t hash;
	void *val;
	char key[];
};

struct bgp_map {
	struct bgp_map_ent **b;
	size_t nb, n;
};

/* Iteration: `for (bgp_map_iter_init(m, &it); (e = bgp_map_iter_next(&it));)`; the
 * entry returned may be deleted before the next call. */
struct bgp_map_iter {
	const struct bgp_map *m;
	size_t i;
	struct bgp_map_ent *next;
};

void bgp_map_init(struct bgp_map *m);
/* Free every entry (free_val(val) first when not NULL) and the buckets. */
void bgp_map_clear(struct bgp_map *m, void (*free_val)(void *));
void *bgp_map_get(const struct bgp_map *m, const char *key);
struct bgp_map_ent *bgp_map_find(const struct bgp_map *m, const char *key);
/* Insert or replace; *old (when not NULL) receives the replaced value (NULL if new).
 * Returns 0 or -ENOMEM. */
int bgp_map_put(struct bgp_map *m, const char *key, void *val, void **old);
/* Remove; returns the value (NULL if absent). */
void *bgp_map_del(struct bgp_map *m, const char *key);
void bgp_map_iter_init(const struct bgp_map *m, struct bgp_map_iter *it);
struct bgp_map_ent *bgp_map_iter_next(struct bgp_map_iter *it);

#endif
