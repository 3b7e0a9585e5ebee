/* fuzz_operator_values — operator-written etcd values and keys into the validators.
 *
 * The first byte picks the family (LSP request, static route, admin groups, or a key
 * for keys_parse); the rest is the value as an operator might `etcdctl put` it. The
 * validators (lib/validate.c) and the key parser (lib/keys.c) must return a precise
 * error for anything malformed and never crash. Corpus:
 * tests/fuzz/corpus/operator_values/ (schema examples, prefixed with their selector). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lsp_request lsp;
	static struct static_route sr;
	static struct admin_groups ag;
	struct key_info ki;
	char err[512];
	keys_t k;
	json_t *v;
	prefix_t p;

	if (size < 1)
		return 0;
	if (data[0] % 4 == 3) {
		keys_init(&k, NULL);
		keys_parse_n(&k, (const char *)data + 1, size - 1, &ki);
		return 0;
	}
	v = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	if (!v)
		return 0;
	switch (data[0] % 4) {
	case 0:
		validate_lsp_request(v, &lsp, err, sizeof(err));
		break;
	case 1:
		prefix_parse("10.42.2.0/24", false, &p);
		validate_static_route(v, data[0] & 4 ? &p : NULL, &sr, err, sizeof(err));
		break;
	default:
		validate_admin_groups(v, &ag, err, sizeof(err));
	}
	json_decref(v);
	return 0;
}
