/*
 * N-API binding:
 *   verify(level, publicKey, message, signature, context) -> boolean
 *   sign(level, secretKey, message, context) -> Uint8Array
 *
 * Pure ML-DSA with a context string (FIPS 204 Algorithms 2 and 3, M' = 0 || |ctx| || ctx || M), through
 * PQClean's crypto_sign_signature_ctx and crypto_sign_verify_ctx. Signing is hedged: PQClean draws the
 * 32-byte `rnd` of FIPS 204 Algorithm 7 from getrandom(2) (common/randombytes.c). Synchronous on
 * purpose: callers run it in worker threads (ledger/verify-pool), one verification is ~150 us, and a
 * thread hop per call would cost more. Every length is checked here so that bad input from the network
 * returns false (verify) or throws (sign), never reads past a buffer.
 */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* PQClean ML-DSA api.h, declared here because both parameter sets ship a header named api.h. */
int PQCLEAN_MLDSA44_CLEAN_crypto_sign_verify_ctx(const uint8_t *sig, size_t siglen, const uint8_t *m,
                                                 size_t mlen, const uint8_t *ctx, size_t ctxlen,
                                                 const uint8_t *pk);
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(const uint8_t *sig, size_t siglen, const uint8_t *m,
                                                 size_t mlen, const uint8_t *ctx, size_t ctxlen,
                                                 const uint8_t *pk);
int PQCLEAN_MLDSA44_CLEAN_crypto_sign_signature_ctx(uint8_t *sig, size_t *siglen, const uint8_t *m,
                                                    size_t mlen, const uint8_t *ctx, size_t ctxlen,
                                                    const uint8_t *sk);
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(uint8_t *sig, size_t *siglen, const uint8_t *m,
                                                    size_t mlen, const uint8_t *ctx, size_t ctxlen,
                                                    const uint8_t *sk);

/* FIPS 204 Table 2 */
#define MLDSA44_PK 1312
#define MLDSA44_SK 2560
#define MLDSA44_SIG 2420
#define MLDSA65_PK 1952
#define MLDSA65_SK 4032
#define MLDSA65_SIG 3309

static int get_bytes(napi_env env, napi_value v, const uint8_t **data, size_t *len) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  void *ptr = NULL;
  size_t length = 0;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const uint8_t *)ptr;
  *len = length;
  return 1;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5)
    return throw_type(env, "verify(level, publicKey, message, signature, context) takes 5 arguments");
  int32_t level = 0;
  if (napi_get_value_int32(env, argv[0], &level) != napi_ok || (level != 44 && level != 65))
    return throw_type(env, "level must be 44 or 65");
  const uint8_t *pk, *msg, *sig, *ctx;
  size_t pk_len, msg_len, sig_len, ctx_len;
  if (!get_bytes(env, argv[1], &pk, &pk_len) || !get_bytes(env, argv[2], &msg, &msg_len) ||
      !get_bytes(env, argv[3], &sig, &sig_len) || !get_bytes(env, argv[4], &ctx, &ctx_len))
    return throw_type(env, "publicKey, message, signature and context must be Uint8Array");

  int ok = 0;
  if (ctx_len <= 255) {
    if (level == 44 && pk_len == MLDSA44_PK && sig_len == MLDSA44_SIG)
      ok = PQCLEAN_MLDSA44_CLEAN_crypto_sign_verify_ctx(sig, sig_len, msg, msg_len, ctx, ctx_len, pk) == 0;
    else if (level == 65 && pk_len == MLDSA65_PK && sig_len == MLDSA65_SIG)
      ok = PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(sig, sig_len, msg, msg_len, ctx, ctx_len, pk) == 0;
  }
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

static napi_value sign(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4)
    return throw_type(env, "sign(level, secretKey, message, context) takes 4 arguments");
  int32_t level = 0;
  if (napi_get_value_int32(env, argv[0], &level) != napi_ok || (level != 44 && level != 65))
    return throw_type(env, "level must be 44 or 65");
  const uint8_t *sk, *msg, *ctx;
  size_t sk_len, msg_len, ctx_len;
  if (!get_bytes(env, argv[1], &sk, &sk_len) || !get_bytes(env, argv[2], &msg, &msg_len) ||
      !get_bytes(env, argv[3], &ctx, &ctx_len))
    return throw_type(env, "secretKey, message and context must be Uint8Array");
  if (ctx_len > 255) return throw_type(env, "a context string is at most 255 bytes (FIPS 204)");
  if (sk_len != (level == 44 ? MLDSA44_SK : MLDSA65_SK))
    return throw_type(env, level == 44 ? "an ML-DSA-44 secret key is 2560 bytes"
                                       : "an ML-DSA-65 secret key is 4032 bytes");

  size_t sig_cap = level == 44 ? MLDSA44_SIG : MLDSA65_SIG;
  void *out = NULL;
  napi_value buffer;
  if (napi_create_arraybuffer(env, sig_cap, &out, &buffer) != napi_ok) return NULL;
  size_t sig_len = 0;
  int rc = level == 44 ? PQCLEAN_MLDSA44_CLEAN_crypto_sign_signature_ctx(out, &sig_len, msg, msg_len, ctx,
                                                                         ctx_len, sk)
                       : PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(out, &sig_len, msg, msg_len, ctx,
                                                                         ctx_len, sk);
  if (rc != 0 || sig_len != sig_cap) {
    napi_throw_error(env, NULL, "ML-DSA signing failed");
    return NULL;
  }
  napi_value result;
  napi_create_typedarray(env, napi_uint8_array, sig_len, buffer, 0, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "verify", NAPI_AUTO_LENGTH, verify, NULL, &fn);
  napi_set_named_property(env, exports, "verify", fn);
  napi_create_function(env, "sign", NAPI_AUTO_LENGTH, sign, NULL, &fn);
  napi_set_named_property(env, exports, "sign", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
