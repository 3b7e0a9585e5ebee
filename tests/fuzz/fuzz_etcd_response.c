/* fuzz_etcd_response — etcd gateway responses into the client's decoder.
 *
 * Feeds arbitrary bytes to what lib/etcd does with an answer from etcd: parse as JSON,
 * unwrap a streamed {"result":...}, decode into struct etcd_result (kvs, prev_kvs, txn
 * responses nested to any depth, lease fields), and classify it as an error reply.
 * Nothing from etcd may crash the client (lib/etcd/codec.c). Corpus:
 * tests/fuzz/corpus/etcd_response/ (recorded answers from etcd 3.4). */
#include <stdint.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etcd_result res;
	struct etcd_error err;
	json_t *root = json_loadb((const char *)data, size, 0, NULL);
	const json_t *obj = json_object_get(root, "result");

	memset(&res, 0, sizeof(res));
	if (root) {
		etcd_decode_result(obj ? obj : root, &res);
		etcd_result_clear(&res);
	}
	etcd_classify(CURLE_OK, NULL, 400, (const char *)data, size, &err);
	etcd_classify(CURLE_OK, NULL, 200, (const char *)data, size, &err);
	json_decref(root);
	return 0;
}
