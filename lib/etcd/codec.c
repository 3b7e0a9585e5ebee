/* codec — the pure part of the etcd client: base64, response decoding, errors.
 *
 * The etcd 3.4 JSON gateway (shared/notes/etcd-gateway.md) sends bytes fields as
 * base64, int64 fields as JSON strings, omits zero values, wraps streamed messages in
 * {"result": ...} and reports errors as {"error","message","code"} with a gRPC code
 * and a mapped HTTP status. This file turns those into struct etcd_result and typed
 * struct etcd_error. No I/O: tests/unit/test_etcd_codec.c feeds it recorded responses.
 * Used by client.c, txn.c, lease.c and watch.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/etcd/etcd_internal.h"

static const char *const errc_names[ETCD_ERRC_COUNT] = {
	[ETCD_OK] = "ok",
	[ETCD_ERR_NOT_FOUND] = "not found",
	[ETCD_ERR_COMPARE_FAILED] = "compare failed",
	[ETCD_ERR_COMPACTED] = "compacted",
	[ETCD_ERR_FUTURE_REVISION] = "future revision",
	[ETCD_ERR_TOO_LARGE] = "too large",
	[ETCD_ERR_TOO_MANY_OPS] = "too many operations",
	[ETCD_ERR_PERMISSION_DENIED] = "permission denied",
	[ETCD_ERR_AUTH] = "authentication failed",
	[ETCD_ERR_UNAVAILABLE] = "unavailable",
	[ETCD_ERR_INVALID] = "invalid request",
	[ETCD_ERR_PROTOCOL] = "protocol error",
	[ETCD_ERR_CANCELED] = "canceled",
};

const char *etcd_errc_name(enum etcd_errc code)
{
	if ((unsigned)code >= ETCD_ERRC_COUNT)
		return "unknown error";
	return errc_names[code];
}

void etcd_error_set(struct etcd_error *err, enum etcd_errc code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

char *etcd_b64_encode(const void *data, size_t len)
{
	size_t out_len = 4 * ((len + 2) / 3);
	char *out = malloc(out_len + 1);

	if (!out)
		return NULL;
	if (len > 0x7fffffff) {
		free(out);
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	out[out_len] = '\0';
	return out;
}

int etcd_b64_decode(const char *s, size_t slen, char **out, size_t *out_len)
{
	size_t pad = 0;
	char *buf;
	int n;

	if (slen % 4 != 0 || slen > 0x7fffffff)
		return -EINVAL;
	/* EVP_DecodeBlock is lenient (it takes "====" or '=' in the middle): check the
	 * alphabet, and that padding is only the last one or two characters. */
	for (size_t i = 0; i < slen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '=') {
			if (i < slen - 2 || (i == slen - 2 && s[slen - 1] != '='))
				return -EINVAL;
		} else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			     (ch >= '0' && ch <= '9') || ch == '+' || ch == '/')) {
			return -EINVAL;
		}
	}
	buf = malloc(slen / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	if (slen == 0) {
		buf[0] = '\0';
		*out = buf;
		*out_len = 0;
		return 0;
	}
	n = EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)s, (int)slen);
	if (n < 0) {
		free(buf);
		return -EINVAL;
	}
	/* EVP_DecodeBlock counts padding as zero bytes. */
	if (s[slen - 1] == '=')
		pad++;
	if (s[slen - 2] == '=')
		pad++;
	*out_len = (size_t)n - pad;
	buf[*out_len] = '\0';
	*out = buf;
	return 0;
}

json_t *etcd_json_bytes(const void *data, size_t len)
{
	char *b = etcd_b64_encode(data, len);
	json_t *v;

	if (!b)
		return NULL;
	v = json_string(b);
	free(b);
	return v;
}

bool etcd_json_int64(const json_t *v, int64_t *out)
{
	const char *s;
	char *end;
	long long x;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	if (*s == '\0')
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

/* Optional int64 field: absent means 0 (proto3 omits zero values). */
static bool get_i64(const json_t *obj, const char *field, int64_t *out)
{
	const json_t *v = json_object_get(obj, field);

	*out = 0;
	return !v || etcd_json_int64(v, out);
}

static int get_bytes(const json_t *obj, const char *field, char **out, size_t *len)
{
	const json_t *v = json_object_get(obj, field);

	if (!v)
		return etcd_b64_decode("", 0, out, len);
	if (!json_is_string(v))
		return -EINVAL;
	return etcd_b64_decode(json_string_value(v), json_string_length(v), out, len);
}

void etcd_kv_clear(struct etcd_kv *kv)
{
	free(kv->key);
	free(kv->value);
	memset(kv, 0, sizeof(*kv));
}

int etcd_decode_kv(const json_t *obj, struct etcd_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
	if (!json_is_object(obj))
		return -EINVAL;
	if (get_bytes(obj, "key", &kv->key, &kv->key_len) < 0 ||
	    get_bytes(obj, "value", &kv->value, &kv->value_len) < 0 ||
	    !get_i64(obj, "create_revision", &kv->create_revision) ||
	    !get_i64(obj, "mod_revision", &kv->mod_revision) ||
	    !get_i64(obj, "version", &kv->version) || !get_i64(obj, "lease", &kv->lease)) {
		etcd_kv_clear(kv);
		return -EINVAL;
	}
	return 0;
}

static int decode_kv_array(const json_t *arr, struct etcd_kv **out, size_t *n)
{
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return -EINVAL;
	len = json_array_size(arr);
	if (len == 0)
		return 0;
	*out = calloc(len, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		if (etcd_decode_kv(json_array_get(arr, i), &(*out)[i]) < 0) {
			*n = i;
			return -EINVAL;
		}
	}
	*n = len;
	return 0;
}

void etcd_result_clear(struct etcd_result *res)
{
	size_t i;

	for (i = 0; i < res->n_kvs; i++)
		etcd_kv_clear(&res->kvs[i]);
	free(res->kvs);
	for (i = 0; i < res->n_prev_kvs; i++)
		etcd_kv_clear(&res->prev_kvs[i]);
	free(res->prev_kvs);
	for (i = 0; i < res->n_responses; i++)
		etcd_result_clear(&res->responses[i]);
	free(res->responses);
	memset(res, 0, sizeof(*res));
}

static int decode_txn_responses(const json_t *arr, struct etcd_result *res)
{
	static const char *const wrappers[] = { "response_range", "response_put",
						"response_delete_range", "response_txn" };
	size_t i, j, len;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return -EINVAL;
	len = json_array_size(arr);
	if (len == 0)
		return 0;
	res->responses = calloc(len, sizeof(*res->responses));
	if (!res->responses)
		return -ENOMEM;
	res->n_responses = len;
	for (i = 0; i < len; i++) {
		const json_t *item = json_array_get(arr, i), *inner = NULL;

		for (j = 0; j < sizeof(wrappers) / sizeof(wrappers[0]) && !inner; j++)
			inner = json_object_get(item, wrappers[j]);
		if (!inner)
			return -EINVAL;
		if (etcd_decode_result(inner, &res->responses[i]) < 0)
			return -EINVAL;
	}
	return 0;
}

int etcd_decode_result(const json_t *obj, struct etcd_result *res)
{
	const json_t *header, *v;
	int64_t x;

	if (!json_is_object(obj))
		goto bad;
	header = json_object_get(obj, "header");
	if (header && !get_i64(header, "revision", &res->revision))
		goto bad;
	if (decode_kv_array(json_object_get(obj, "kvs"), &res->kvs, &res->n_kvs) < 0)
		goto bad;
	if (!get_i64(obj, "count", &res->count) || !get_i64(obj, "deleted", &res->deleted))
		goto bad;
	v = json_object_get(obj, "more");
	res->more = json_is_true(v);
	v = json_object_get(obj, "succeeded");
	res->succeeded = json_is_true(v);
	if ((v = json_object_get(obj, "prev_kv"))) {
		res->prev_kvs = calloc(1, sizeof(*res->prev_kvs));
		if (!res->prev_kvs || etcd_decode_kv(v, res->prev_kvs) < 0)
			goto bad;
		res->n_prev_kvs = 1;
	} else if (decode_kv_array(json_object_get(obj, "prev_kvs"), &res->prev_kvs,
				   &res->n_prev_kvs) < 0) {
		goto bad;
	}
	if (decode_txn_responses(json_object_get(obj, "responses"), res) < 0)
		goto bad;
	if (!get_i64(obj, "ID", &res->lease_id) || !get_i64(obj, "TTL", &x))
		goto bad;
	res->ttl = x;
	return 0;
bad:
	etcd_result_clear(res);
	etcd_error_set(&res->err, ETCD_ERR_PROTOCOL, "malformed response from etcd");
	return -EPROTO;
}

/* gRPC code + etcd message -> our error class (messages from the 3.4 server). */
static enum etcd_errc classify_grpc(int code, const char *msg)
{
	if (strstr(msg, "compacted"))
		return ETCD_ERR_COMPACTED;
	if (strstr(msg, "future revision"))
		return ETCD_ERR_FUTURE_REVISION;
	if (strstr(msg, "too many operations"))
		return ETCD_ERR_TOO_MANY_OPS;
	if (strstr(msg, "request is too large") || strstr(msg, "larger than max"))
		return ETCD_ERR_TOO_LARGE;
	if (strstr(msg, "authentication failed") || strstr(msg, "user name is empty") ||
	    strstr(msg, "invalid auth token") || strstr(msg, "user name not found"))
		return ETCD_ERR_AUTH;
	switch (code) {
	case 5: /* NotFound: lease not found */
		return ETCD_ERR_NOT_FOUND;
	case 7:
		return ETCD_ERR_PERMISSION_DENIED;
	case 8: /* ResourceExhausted: gRPC message size */
		return ETCD_ERR_TOO_LARGE;
	case 16:
		return ETCD_ERR_AUTH;
	case 4:  /* DeadlineExceeded */
	case 10: /* Aborted */
	case 14: /* Unavailable: no leader, request timed out, stopping */
		return ETCD_ERR_UNAVAILABLE;
	default:
		return ETCD_ERR_INVALID;
	}
}

bool etcd_error_not_sent(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_SSL_CONNECT_ERROR;
}

bool etcd_classify(CURLcode cc, const char *curl_msg, long http_status,
		   const char *body, size_t body_len, struct etcd_error *err)
{
	json_t *root;
	json_error_t jerr;
	const char *msg = NULL;
	int64_t code = 0;

	memset(err, 0, sizeof(*err));
	err->http_status = http_status;
	if (cc != CURLE_OK) {
		etcd_error_set(err, ETCD_ERR_UNAVAILABLE, "%s",
			       curl_msg && *curl_msg ? curl_msg : curl_easy_strerror(cc));
		/* TLS identity problems do not heal by retrying: ours was refused ("alert
		 * certificate required"), or the server's did not verify. */
		if (cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CACERT_BADFILE ||
		    cc == CURLE_PEER_FAILED_VERIFICATION ||
		    (curl_msg && strstr(curl_msg, "certificate")))
			err->code = ETCD_ERR_AUTH;
		return true;
	}
	if (http_status == 200)
		return false;
	root = body ? json_loadb(body, body_len, 0, &jerr) : NULL;
	if (root) {
		const json_t *m = json_object_get(root, "message");

		if (!json_is_string(m))
			m = json_object_get(root, "error");
		if (json_is_string(m))
			msg = json_string_value(m);
		etcd_json_int64(json_object_get(root, "code"), &code);
	}
	err->grpc_code = (int)code;
	if (msg) {
		etcd_error_set(err, classify_grpc((int)code, msg), "%s", msg);
	} else {
		/* Not etcd's JSON: e.g. "404 page not found" from the gateway, a proxy. */
		char text[128];
		size_t n = body_len < sizeof(text) - 1 ? body_len : sizeof(text) - 1;

		memcpy(text, body ? body : "", n);
		text[n] = '\0';
		while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
		etcd_error_set(err,
			       http_status >= 500 || http_status == 0 ? ETCD_ERR_UNAVAILABLE
								     : ETCD_ERR_PROTOCOL,
			       "HTTP %ld%s%s", http_status, n ? ": " : "", text);
	}
	json_decref(root);
	return true;
}

char *etcd_prefix_end(const char *prefix, size_t len, size_t *out_len)
{
	char *end = malloc(len + 2);
	size_t i = len;

	if (!end)
		return NULL;
	memcpy(end, prefix, len);
	/* Increment the last byte that is not 0xff, dropping the 0xff tail. */
	while (i > 0) {
		if ((unsigned char)end[i - 1] != 0xff) {
			end[i - 1]++;
			end[i] = '\0';
			*out_len = i;
			return end;
		}
		i--;
	}
	/* Empty prefix or all 0xff: "\0" means "to the end of the keyspace". */
	end[0] = '\0';
	*out_len = 1;
	return end;
}
