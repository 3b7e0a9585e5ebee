/* map — string-keyed hash map for kvte-bgp's tables (see bgp/map.h): FNV-1a hashes,
 * chained buckets, doubling when the load passes 1. Pure. */
#include "bgp/map.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void bgp_map_init(struct bgp_map *m)
{
	memset(m, 0, sizeof(*m));
}

void bgp_map_clear(struct bgp_map *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->nb; i++) {
		struct bgp_map_ent *e = m->b[i], *n;

		for (; e; e = n) {
			n = e->next;
			if (free_val)
				free_val(e->val);
			free(e);
		}
	}
	free(m->b);
	bgp_map_init(m);
}

struct bgp_map_ent *bgp_map_find(const struct bgp_map *m, const char *key)
{
	if (!m->nb)
		return NULL;
	uint64_t h = hash_str(key);

	for (struct bgp_map_ent *e = m->b[h & (m->nb - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

void *bgp_map_get(const struct bgp_map *m, const char *key)
{
	struct bgp_map_ent *e = bgp_map_find(m, key);

	return e ? e->val : NULL;
}

static int grow(struct bgp_map *m)
{
	size_t nb = m->nb ? m->nb * 2 : 64;
	struct bgp_map_ent **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < m->nb; i++) {
		struct bgp_map_ent *e = m->b[i], *n;

		for (; e; e = n) {
			n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

int bgp_map_put(struct bgp_map *m, const char *key, void *val, void **old)
{
	struct bgp_map_ent *e = bgp_map_find(m, key);
	size_t len;

	if (e) {
		if (old)
			*old = e->val;
		e->val = val;
		return 0;
	}
	if (old)
		*old = NULL;
	if (m->n >= m->nb && grow(m) < 0)
		return -ENOMEM;
	len = strlen(key);
	if (!(e = malloc(sizeof(*e) + len + 1)))
		return -ENOMEM;
	memcpy(e->key, key, len + 1);
	e->hash = hash_str(key);
	e->val = val;
	e->next = m->b[e->hash & (m->nb - 1)];
	m->b[e->hash & (m->nb - 1)] = e;
	m->n++;
	return 0;
}

void *bgp_map_del(struct bgp_map *m, const char *key)
{
	if (!m->nb)
		return NULL;
	uint64_t h = hash_str(key);
	struct bgp_map_ent **pp = &m->b[h & (m->nb - 1)];

	for (; *pp; pp = &(*pp)->next) {
		struct bgp_map_ent *e = *pp;

		if (e->hash == h && strcmp(e->key, key) == 0) {
			void *v = e->val;

			*pp = e->next;
			free(e);
			m->n--;
			return v;
		}
	}
	return NULL;
}

void bgp_map_iter_init(const struct bgp_map *m, struct bgp_map_iter *it)
{
	it->m = m;
	it->i = 0;
	it->next = m->nb ? m->b[0] : NULL;
}

struct bgp_map_ent *bgp_map_iter_next(struct bgp_map_iter *it)
{
	while (!it->next) {
		if (++it->i >= it->m->nb)
			return NULL;
		it->next = it->m->b[it->i];
	}
	struct bgp_map_ent *e = it->next;

	it->next = e->next;
	return e;
}
