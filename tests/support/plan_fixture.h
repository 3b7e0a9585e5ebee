/* plan_fixture — shared helpers for the tests of the controller's planning
 * (te-controller/plan.c, encode.c): loading the seed TED from te-controller/testdata/seed
 * (optionally without some LSPs, optionally rewriting each LSP value first), a set of
 * requests as the controller passes them, one plan_compute run with its own CSPF
 * workspace, reading the desired key -> value object (get, compact text, string field,
 * the te/paths values to feed back as prev_paths) and validating every desired value
 * against its schema with tests/schemas/validate.py (/usr/bin/python3 + jsonschema;
 * skipped, with a message, without the module), and the r1 -> r4 SRv6 tunnel bytes
 * both files pin. Call pf_setup() first (it is a Check fixture). Used by
 * tests/unit/test_ctl_plan.c and test_encode_mpls.c; Check assertions inside. */
#ifndef KVTE_TESTS_SUPPORT_PLAN_FIXTURE_H
#define KVTE_TESTS_SUPPORT_PLAN_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "te-controller/plan.h"
#include "te-controller/ted.h"

#define PF_MAX_REQS 32

/* The keys the plans and schema checks use (root "/kvte/"). Check fixture. */
void pf_setup(void);

/* Called on every ted-lsp-*.json value before it goes into the TED. */
typedef void pf_edit_fn(json_t *lsp, void *arg);
/* t = the committed seed TED, without the LSPs whose ID starts with skip (NULL: all),
 * each LSP value passed through edit(lsp, arg) first (edit may be NULL). */
void pf_load_seed(ted_t *t, const char *skip, pf_edit_fn *edit, void *arg);

/* Requests as the controller holds them: name, parsed value (NULL when text is not
 * JSON, with the parse error in bad), revision 42. Start from { 0 }. */
struct pf_reqs {
	struct plan_request r[PF_MAX_REQS];
	json_t *v[PF_MAX_REQS];
	char bad[PF_MAX_REQS][512];
	size_t n;
};

void pf_reqs_add(struct pf_reqs *s, const char *name, const char *text);
/* Frees the values; s is empty again. */
void pf_reqs_free(struct pf_reqs *s);

/* plan_compute() on in (with the fixture's keys and s's requests filled in), asserting
 * it succeeds; the desired object (new reference). st may be NULL. */
json_t *pf_plan(const struct plan_input *in, const struct pf_reqs *s, struct plan_stats *st);

/* desired["/kvte/" key] (NULL when absent) */
const json_t *pf_get(const json_t *desired, const char *key);
/* Compact sorted text of v's field (the whole v for ""); static buffer, fails the test
 * when the field is missing. */
char *pf_text(const json_t *v, const char *field);
/* v's string field; fails the test when it is not a string. */
const char *pf_str(const json_t *v, const char *field);
/* te/paths/<lsp> values keyed by LSP name, as the controller passes them (new
 * reference). */
json_t *pf_prev_paths(const json_t *desired);

/* rib/r1/te/r1-to-r4 as compact sorted text, planned on the SRv6 seed for r1-to-r4 =
 * {"from":"r1","to":"r4","bandwidth":"200M","setup_priority":4,"hold_priority":4,
 * "protection":"link"}: path r1-r2-r4, End.X SIDs of r1:et2 and r2:et2, r4's End.DX4,
 * backup the r1:et2 bypass r1-r3-r2. test_ctl_plan pins it; test_encode_mpls checks that
 * a TED with both encodings gives these same bytes. */
#define PF_R1_TO_R4_SRV6_TUNNEL \
	"{\"backup\":{\"first_hop\":{\"address\":\"100.65.0.7\",\"interface\":\"et3\"," \
	"\"neighbor\":\"r3\"},\"link\":\"r1:et2\",\"segments\":[" \
	"\"fc00:0:3:e002::\",\"fc00:0:2:d6::\"]},\"bandwidth\":200000000,\"dataplane\":" \
	"\"srv6\",\"destinations\":[\"192.168.50.4/32\",\"fc00:0:4::1/128\"]," \
	"\"first_hop\":{\"address\":\"100.65.0.3\",\"interface\":\"et2\",\"neighbor\":" \
	"\"r2\"},\"lsp\":\"r1-to-r4\",\"metric\":128,\"path\":[\"r1\",\"r2\",\"r4\"]," \
	"\"segments\":[\"fc00:0:2:e002::\",\"fc00:0:4:d4::\"]," \
	"\"to\":\"r4\"}"

/* Is /usr/bin/python3's jsonschema module there? */
bool pf_have_jsonschema(void);
/* Validate every value of desired against its family's schema (every key must parse);
 * returns how many values were checked (0 when skipped for want of jsonschema). */
size_t pf_schema_check(const json_t *desired);

#endif
