# Fast ML-DSA verification and signing (FIPS 204) for the ledger and the auditor, built from PQClean's "clean"
# ML-DSA-44/65 C code as shipped in the pinned `pqclean` npm package. PQClean's *_ctx functions take a
# FIPS 204 context string, which DESIGN §3 needs and @oqs/liboqs-js does not export.
{
  'variables': {
    'pq': '../../node_modules/pqclean/deps/PQClean',
  },
  'target_defaults': {
    'cflags': ['-O3', '-fPIC', '-fvisibility=hidden', '-Wno-unused-function'],
  },
  'targets': [
    {
      'target_name': 'pqclean_common',
      'type': 'static_library',
      'sources': ['<(pq)/common/fips202.c', '<(pq)/common/randombytes.c'],
      'include_dirs': ['<(pq)/common'],
    },
    {
      'target_name': 'mldsa44',
      'type': 'static_library',
      'include_dirs': ['<(pq)/common', '<(pq)/crypto_sign/ml-dsa-44/clean'],
      'sources': [
        '<(pq)/crypto_sign/ml-dsa-44/clean/ntt.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/packing.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/poly.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/polyvec.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/reduce.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/rounding.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/sign.c',
        '<(pq)/crypto_sign/ml-dsa-44/clean/symmetric-shake.c',
      ],
    },
    {
      'target_name': 'mldsa65',
      'type': 'static_library',
      'include_dirs': ['<(pq)/common', '<(pq)/crypto_sign/ml-dsa-65/clean'],
      'sources': [
        '<(pq)/crypto_sign/ml-dsa-65/clean/ntt.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/packing.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/poly.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/polyvec.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/reduce.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/rounding.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/sign.c',
        '<(pq)/crypto_sign/ml-dsa-65/clean/symmetric-shake.c',
      ],
    },
    {
      'target_name': 'ogas_ml_dsa',
      'sources': ['ml-dsa.c'],
      'dependencies': ['mldsa44', 'mldsa65', 'pqclean_common'],
    },
  ],
}
