/* test_isis_lsdb — Check suite for speaker/lsdb.c: ISO 10589 7.3.16 comparisons (seq,
 * purge beats live at the same seq, same seq with another checksum), remaining-lifetime
 * aging on a fake clock (bytes rewritten only when sent, checksum still valid), expiry
 * into a purge with the RFC 6232 purge originator TLV, removal after ZeroAgeLifetime,
 * change notifications, own-LSP recognition and a 1,000-system x 4-fragment database. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"
#include "speaker/lsdb.h"

static const uint8_t ME[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x01 };

static void mkid(uint8_t id[8], unsigned sys, unsigned frag)
{
	const uint8_t b[8] = { 0x19, 0x21, 0x68, (uint8_t)(sys >> 16), (uint8_t)(sys >> 8),
			       (uint8_t)sys, 0, (uint8_t)frag };

	memcpy(id, b, 8);
}

/* A decoded L2 LSP (with raw bytes) carrying a hostname. */
static void mklsp(struct isis_pdu *out, const uint8_t id[8], uint32_t seq, uint16_t life,
		  const char *name)
{
	uint8_t buf[512];
	struct isis_pdu p;
	struct isis_tlv *t;
	struct isis_err e;
	size_t n;

	isis_pdu_init(&p, ISIS_L2_LSP);
	memcpy(p.h.lsp.lsp_id, id, 8);
	p.h.lsp.seq = seq;
	p.h.lsp.lifetime = life;
	p.h.lsp.flags = 3;
	t = isis_tlv_add(&p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = (uint8_t)strlen(name);
	memcpy(t->u.hostname.name, name, strlen(name));
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	isis_pdu_free(&p);
	ck_assert_int_eq(isis_pdu_decode(buf, n, out, &e), 0);
}

static struct isis_lsp *put(struct isis_lsdb *db, const uint8_t id[8], uint32_t seq,
			    uint16_t life, const char *name, uint64_t now)
{
	struct isis_pdu p;
	struct isis_lsp *l = NULL;

	mklsp(&p, id, seq, life, name);
	ck_assert_int_eq(isis_lsdb_install(db, &p, now, &l), 0);
	ck_assert_ptr_null(p.raw);	/* moved */
	return l;
}

START_TEST(lsdb_compare_rules)
{
	struct isis_lsdb db;
	uint8_t id[8];
	struct isis_lsp *l;
	uint16_t ck;

	isis_lsdb_init(&db, ME, 2);
	mkid(id, 2, 0);
	ck_assert_int_eq(isis_lsdb_compare(NULL, 0, 1, 0, 100), ISIS_LSP_NEWER);
	l = put(&db, id, 5, 1000, "r2", 0);
	ck = l->checksum;
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 6, 0x1234, 1000), ISIS_LSP_NEWER);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 4, ck, 1000), ISIS_LSP_OLDER);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, ck, 1000), ISIS_LSP_SAME);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, ck, 17), ISIS_LSP_SAME); /* lifetime differs */
	/* 7.3.16.4: at the same seq a purge is newer than a live LSP */
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, 0, 0), ISIS_LSP_NEWER);
	/* same seq, other checksum, both alive */
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, (uint16_t)(ck + 1), 1000), ISIS_LSP_CONFLICT);
	/* stored purge vs live same seq: received is older; purge vs purge: same */
	ck_assert_int_eq(isis_lsdb_purge(&db, l, 0), 0);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, ck, 1000), ISIS_LSP_OLDER);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 5, 0x9999, 0), ISIS_LSP_SAME);
	ck_assert_int_eq(isis_lsdb_compare(l, 0, 6, ck, 1000), ISIS_LSP_NEWER);
	isis_lsdb_free(&db);
}
END_TEST

START_TEST(lsdb_aging_fake_clock)
{
	struct isis_lsdb db;
	uint8_t id[8], *b;
	struct isis_lsp *l;
	size_t n;

	isis_lsdb_init(&db, ME, 2);
	mkid(id, 2, 0);
	l = put(&db, id, 1, 100, "r2", 5000);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 5000), 100);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 5999), 100);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 6000), 99);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 55000), 50);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 1000), 100);	/* clock before receipt */
	/* the stored bytes are untouched; the copy to send carries the aged lifetime */
	b = isis_lsdb_tx_bytes(l, 55000, &n);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(n, l->pdu.raw_len);
	ck_assert_uint_eq(b[10] << 8 | b[11], 50);
	ck_assert_uint_eq(l->pdu.raw[10] << 8 | l->pdu.raw[11], 100);
	ck_assert(isis_lsp_checksum_ok(b, n));
	ck_assert_mem_eq(b + 12, l->pdu.raw + 12, n - 12);
	free(b);
	ck_assert_uint_eq(isis_lsdb_next_due(&db), 105000);
	isis_lsdb_free(&db);
}
END_TEST

START_TEST(lsdb_expiry_purge_removal)
{
	struct isis_lsdb db;
	struct isis_pdu d;
	struct isis_err e;
	const struct isis_lsdb_change *c;
	uint8_t id[8];
	struct isis_lsp *l;
	size_t n;

	isis_lsdb_init(&db, ME, 2);
	mkid(id, 7, 1);
	l = put(&db, id, 9, 30, "r7", 0);
	ck_assert_uint_eq(isis_lsdb_age(&db, 29999), 0);
	ck_assert(!l->purged);
	ck_assert_uint_eq(isis_lsdb_age(&db, 30000), 1);
	ck_assert(l->purged);
	ck_assert_uint_eq(l->seq, 9);
	ck_assert_uint_eq(isis_lsdb_lifetime(l, 30000), 0);
	/* header kept, body replaced by the purge originator TLV naming us */
	ck_assert_int_eq(isis_pdu_decode(l->pdu.raw, l->pdu.raw_len, &d, &e), 0);
	ck_assert_uint_eq(d.h.lsp.lifetime, 0);
	ck_assert_uint_eq(d.h.lsp.seq, 9);
	ck_assert_mem_eq(d.h.lsp.lsp_id, id, 8);
	ck_assert_uint_eq(d.ntlvs, 1);
	ck_assert_uint_eq(d.tlvs[0].type, ISIS_TLV_PURGE_ORIG);
	ck_assert_mem_eq(d.tlvs[0].u.purge.sysid[0], ME, 6);
	isis_pdu_free(&d);
	/* kept for ZeroAgeLifetime, then removed */
	ck_assert_uint_eq(isis_lsdb_next_due(&db), 90000);
	isis_lsdb_age(&db, 89999);
	ck_assert_ptr_nonnull(isis_lsdb_find(&db, id));
	isis_lsdb_age(&db, 90000);
	ck_assert_ptr_null(isis_lsdb_find(&db, id));
	ck_assert_uint_eq(db.n, 0);
	ck_assert_uint_eq(isis_lsdb_next_due(&db), UINT64_MAX);
	c = isis_lsdb_changes(&db, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(c[0].kind, ISIS_LSDB_ADDED);
	ck_assert_int_eq(c[1].kind, ISIS_LSDB_PURGED);
	ck_assert_int_eq(c[2].kind, ISIS_LSDB_REMOVED);
	ck_assert_mem_eq(c[2].id, id, 8);
	isis_lsdb_changes_clear(&db);
	isis_lsdb_changes(&db, &n);
	ck_assert_uint_eq(n, 0);
	isis_lsdb_free(&db);
}
END_TEST

START_TEST(lsdb_install_update_own_and_errors)
{
	struct isis_lsdb db;
	struct isis_pdu p;
	const struct isis_lsdb_change *c;
	uint8_t id[8], mine[8] = { 0 };
	struct isis_lsp *l, *l2;
	size_t n;

	isis_lsdb_init(&db, ME, 2);
	mkid(id, 3, 0);
	memcpy(mine, ME, 6);
	mine[7] = 2;
	l = put(&db, id, 1, 1200, "r3", 0);
	ck_assert(!l->own);
	l2 = put(&db, id, 2, 1200, "r3-new", 1000);
	ck_assert_ptr_eq(l, l2);
	ck_assert_uint_eq(l->seq, 2);
	ck_assert_uint_eq(l->pdu.tlvs[0].u.hostname.len, 6);
	l = put(&db, mine, 1, 1200, "me", 0);
	ck_assert(l->own);
	ck_assert(isis_lsdb_is_own(&db, mine));
	c = isis_lsdb_changes(&db, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(c[1].kind, ISIS_LSDB_UPDATED);
	ck_assert_uint_eq(c[1].seq, 2);
	/* an L1 LSP does not go into the level-2 database; it is freed either way */
	mklsp(&p, id, 3, 1200, "x");
	p.type = ISIS_L1_LSP;
	ck_assert_int_eq(isis_lsdb_install(&db, &p, 0, &l), -EINVAL);
	ck_assert_ptr_null(p.raw);
	ck_assert_uint_eq(db.n, 2);
	isis_lsdb_free(&db);
}
END_TEST

/* 1,000 systems x 4 fragments inserted in scrambled order: sorted, all found */
START_TEST(lsdb_thousand_systems)
{
	struct isis_lsdb db;
	uint8_t id[8];
	uint32_t x = 12345;
	size_t total = 4000;

	isis_lsdb_init(&db, ME, 2);
	for (size_t k = 0; k < total; k++) {
		size_t j = (k * 2654435761u) % total;	/* a permutation of 0..3999 */
		struct isis_pdu p;
		struct isis_lsp *l;

		mkid(id, (unsigned)(j / 4) + 100, (unsigned)(j % 4));
		mklsp(&p, id, (uint32_t)j + 1, 1200, "n");
		ck_assert_int_eq(isis_lsdb_install(&db, &p, 0, &l), 0);
	}
	ck_assert_uint_eq(db.n, total);
	for (size_t i = 1; i < db.n; i++)
		ck_assert_int_lt(memcmp(db.v[i - 1]->id, db.v[i]->id, 8), 0);
	for (size_t k = 0; k < 20000; k++) {
		size_t j;
		struct isis_lsp *l;

		x = x * 1103515245u + 12345u;
		j = (x >> 8) % total;
		mkid(id, (unsigned)(j / 4) + 100, (unsigned)(j % 4));
		l = isis_lsdb_find(&db, id);
		ck_assert_ptr_nonnull(l);
		ck_assert_uint_eq(l->seq, j + 1);
	}
	mkid(id, 99, 0);
	ck_assert_ptr_null(isis_lsdb_find(&db, id));
	ck_assert_uint_eq(isis_lsdb_lower_bound(&db, id), 0);
	mkid(id, 1100, 0);
	ck_assert_ptr_null(isis_lsdb_find(&db, id));
	ck_assert_uint_eq(isis_lsdb_lower_bound(&db, id), total);
	mkid(id, 600, 4);
	ck_assert_ptr_null(isis_lsdb_find(&db, id));
	isis_lsdb_free(&db);
}
END_TEST

START_TEST(lsdb_purge_pdu_and_id_str)
{
	uint8_t id[8], *b;
	char s[32];
	struct isis_pdu d;
	struct isis_err e;
	size_t n;

	mkid(id, 0x0a0b0c, 0x11);
	ck_assert_str_eq(isis_lsdb_id_str(id, s, sizeof(s)), "1921.680a.0b0c.00-11");
	ck_assert_int_eq(isis_lsdb_purge_pdu(ISIS_L1_LSP, id, 77, 0x01, ME, &b, &n), 0);
	ck_assert_int_eq(isis_pdu_decode(b, n, &d, &e), 0);
	ck_assert_uint_eq(d.type, ISIS_L1_LSP);
	ck_assert_uint_eq(d.h.lsp.seq, 77);
	ck_assert_uint_eq(d.h.lsp.lifetime, 0);
	ck_assert_uint_eq(d.tlvs[0].u.purge.count, 1);
	isis_pdu_free(&d);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isis_lsdb");
	TCase *tc = tcase_create("lsdb");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, lsdb_compare_rules);
	tcase_add_test(tc, lsdb_aging_fake_clock);
	tcase_add_test(tc, lsdb_expiry_purge_removal);
	tcase_add_test(tc, lsdb_install_update_own_and_errors);
	tcase_add_test(tc, lsdb_thousand_systems);
	tcase_add_test(tc, lsdb_purge_pdu_and_id_str);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
