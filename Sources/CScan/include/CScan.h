#ifndef CSCAN_H
#define CSCAN_H
/* Small audited kernels for PortfolioIO's CSV reader (DESIGN §9):
 *  - structural-byte bitmaps (comma, LF, CR, double quote) 64 bytes per word, with an
 *    AVX2 kernel chosen at run time and a portable fallback;
 *  - SHA-256 block compression with the x86 SHA extensions (sha256rnds2 / sha256msg1 /
 *    sha256msg2), chosen at run time; callers keep their own portable path.
 * Every function works on caller-owned memory and allocates nothing. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* For each 64-byte group k of p[0 .. 64*words), out[k] has bit j set when p[64k + j] is
 * ',' (0x2C), '\n' (0x0A), '\r' (0x0D) or '"' (0x22). The caller guarantees 64*words
 * readable bytes. */
void cscan_structural_masks(const uint8_t *p, size_t words, uint64_t *out);

/* 1 when the AVX2 kernel of cscan_structural_masks is in use, else 0. */
int cscan_has_avx2(void);

/* 1 when the CPU has the SHA extensions (and SSE4.1), so cscan_sha256_blocks may be called. */
int cscan_has_sha_ni(void);

/* SHA-256 compression (FIPS 180-4 §6.2.2) of `blocks` consecutive 64-byte blocks at
 * `data` into state[0..7] = H0..H7. Call only when cscan_has_sha_ni() is 1. */
void cscan_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif
#endif
