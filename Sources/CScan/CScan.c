/* See include/CScan.h. Run-time dispatch: __builtin_cpu_supports on x86-64; other
 * architectures use the portable loops only. */
#include "CScan.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define CSCAN_X86 1
#include <immintrin.h>
#include <cpuid.h>
#endif

/* ---------- structural bitmaps ---------- */

/* Portable: a 256-entry class table, one bit per byte. */
static const uint8_t structural_class[256] = {
    [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1,
};

static void masks_portable(const uint8_t *p, size_t words, uint64_t *out) {
    for (size_t k = 0; k < words; k++) {
        const uint8_t *q = p + 64 * k;
        uint64_t m = 0;
        for (int j = 0; j < 64; j++) m |= (uint64_t)structural_class[q[j]] << j;
        out[k] = m;
    }
}

#ifdef CSCAN_X86
__attribute__((target("avx2")))
static void masks_avx2(const uint8_t *p, size_t words, uint64_t *out) {
    const __m256i comma = _mm256_set1_epi8(',');
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i cr = _mm256_set1_epi8('\r');
    const __m256i quote = _mm256_set1_epi8('"');
    for (size_t k = 0; k < words; k++) {
        const __m256i lo = _mm256_loadu_si256((const __m256i *)(p + 64 * k));
        const __m256i hi = _mm256_loadu_si256((const __m256i *)(p + 64 * k + 32));
        __m256i a = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(lo, comma), _mm256_cmpeq_epi8(lo, lf)),
                                    _mm256_or_si256(_mm256_cmpeq_epi8(lo, cr), _mm256_cmpeq_epi8(lo, quote)));
        __m256i b = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(hi, comma), _mm256_cmpeq_epi8(hi, lf)),
                                    _mm256_or_si256(_mm256_cmpeq_epi8(hi, cr), _mm256_cmpeq_epi8(hi, quote)));
        uint32_t ma = (uint32_t)_mm256_movemask_epi8(a);
        uint32_t mb = (uint32_t)_mm256_movemask_epi8(b);
        out[k] = (uint64_t)ma | ((uint64_t)mb << 32);
    }
}
#endif

typedef void (*masks_fn)(const uint8_t *, size_t, uint64_t *);

static masks_fn choose_masks(void) {
#ifdef CSCAN_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return masks_avx2;
#endif
    return masks_portable;
}

static masks_fn masks_impl = 0;

void cscan_structural_masks(const uint8_t *p, size_t words, uint64_t *out) {
    masks_fn f = __atomic_load_n(&masks_impl, __ATOMIC_RELAXED);
    if (!f) {
        f = choose_masks();
        __atomic_store_n(&masks_impl, f, __ATOMIC_RELAXED);
    }
    f(p, words, out);
}

int cscan_has_avx2(void) {
#ifdef CSCAN_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

/* ---------- SHA-256 with the SHA extensions ---------- */

int cscan_has_sha_ni(void) {
#ifdef CSCAN_X86
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int sha = (b >> 29) & 1;                 /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
    __cpuid(1, a, b, c, d);
    int sse41 = (c >> 19) & 1;               /* CPUID.1:ECX.SSE4_1[bit 19] */
    int ssse3 = (c >> 9) & 1;                /* CPUID.1:ECX.SSSE3[bit 9] */
    return sha && sse41 && ssse3;
#else
    return 0;
#endif
}

#ifdef CSCAN_X86
/* K[0..63] of FIPS 180-4 §4.2.2. */
static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The SHA extensions keep the working variables as two vectors, ABEF and CDGH (lane 3
 * down to lane 0); sha256rnds2 does two rounds with the low two lanes of its third
 * argument (W[t] + K[t]), sha256msg1/msg2 compute the message schedule
 * W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] four words at a time. */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_blocks_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i t = _mm_loadu_si128((const __m128i *)&state[0]);     /* D C B A */
    __m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);    /* H G F E */
    t = _mm_shuffle_epi32(t, 0xB1);                               /* C D A B */
    s1 = _mm_shuffle_epi32(s1, 0x1B);                             /* E F G H */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                       /* A B E F */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                            /* C D G H */

    for (size_t n = 0; n < blocks; n++, data += 64) {
        const __m128i abef = s0, cdgh = s1;
        __m128i m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
        for (int g = 0; g < 16; g++) {
            __m128i w;
            if (g < 4) {
                w = m[g];
            } else {
                /* slots: m[g&3] = W group g-4, m[(g+1)&3] = g-3, m[(g+2)&3] = g-2, m[(g+3)&3] = g-1 */
                w = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
                w = _mm_add_epi32(w, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
                w = _mm_sha256msg2_epu32(w, m[(g + 3) & 3]);
                m[g & 3] = w;
            }
            __m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)&sha256_k[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
            wk = _mm_shuffle_epi32(wk, 0x0E);
            s0 = _mm_sha256rnds2_epu32(s0, s1, wk);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }

    t = _mm_shuffle_epi32(s0, 0x1B);                              /* F E B A */
    s1 = _mm_shuffle_epi32(s1, 0xB1);                             /* D C H G */
    s0 = _mm_blend_epi16(t, s1, 0xF0);                            /* D C B A */
    s1 = _mm_alignr_epi8(s1, t, 8);                               /* H G F E */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}
#endif

void cscan_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
#ifdef CSCAN_X86
    sha256_blocks_shani(state, data, blocks);
#else
    (void)state; (void)data; (void)blocks;
#endif
}
