// The AVX2 block loop of the scoring kernel. The math, its units and the baseline
// path are documented in Sources/Scoring/ScoringKernel.swift (`ScoringKernel`,
// `KernelMath`); this file repeats the same steps four lanes wide, with the same IEEE
// operations in the same order — products and sums never fused — so every output has
// the baseline's bits (fused multiply-adds would round once where the baseline rounds
// twice, and the model artifact's metrics, written with all 17 digits, would change):
//   η = β₀ + Σⱼ βⱼxⱼ and ζ = Σⱼ γⱼxⱼ − mᵀγ (lane l = the terms j ≡ l mod 4),
//   p = 1/(1 + e^−η), points = offset + factor·η, r = e^ζ,
//   P(recovered by tₕ) = −expm1(max(−Hₕ·r, −40)) for the four horizons of a row,
//   the reason pulls βⱼ·(xⱼ − x̄ⱼ) summed per group in column order, and the top three
//   |pull| per row by the baseline's compare-select network.
// e^x: x = k·ln2 + r (Cody–Waite, |r| ≤ ln2/2), e^r by the degree-13 Taylor polynomial in
// Horner form, 2^k built in the exponent bits; valid for |x| ≤ 708 (the caller clamps to
// ±700 and redoes rows beyond with libm).
#include "CScoringKernel.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <immintrin.h>

int arrears_kernel_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

#define VECTOR __attribute__((target("avx2"), always_inline)) static inline
#define BLOCK ARREARS_KERNEL_BLOCK
// Separate IEEE products and sums in the baseline's order (never fused): the same bits.
#define MUL _mm256_mul_pd
#define ADD _mm256_add_pd

VECTOR __m256d tail4(__m256d r) {
    __m256d q = _mm256_set1_pd(1.0 / 6227020800.0);
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 479001600.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 39916800.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 3628800.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 362880.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 40320.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 5040.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 720.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 120.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 24.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(1.0 / 6.0));
    q = ADD(MUL(q, r), _mm256_set1_pd(0.5));
    return q;
}

/// x = k·ln2 + r; returns r and sets *scale = 2^k.
VECTOR __m256d reduce4(__m256d x, __m256d *scale) {
    const __m256d shifter = _mm256_set1_pd(6755399441055744.0);   // 1.5·2^52
    __m256d t = ADD(MUL(x, _mm256_set1_pd(1.4426950408889634)), shifter);
    __m256d k = _mm256_sub_pd(t, shifter);
    __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, MUL(k, _mm256_set1_pd(6.93147180369123816490e-01))),
                              MUL(k, _mm256_set1_pd(1.90821492927058770002e-10)));
    __m256i bits = _mm256_add_epi64(_mm256_slli_epi64(_mm256_castpd_si256(t), 52), _mm256_set1_epi64x(1023LL << 52));
    *scale = _mm256_castsi256_pd(bits);
    return r;
}

VECTOR __m256d exp4(__m256d x) {
    __m256d scale;
    __m256d r = reduce4(x, &scale);
    const __m256d one = _mm256_set1_pd(1.0);
    return MUL(ADD(MUL(ADD(MUL(tail4(r), r), one), r), one), scale);
}

VECTOR __m256d expm1_4(__m256d x) {
    __m256d scale;
    __m256d r = reduce4(x, &scale);
    __m256d em = ADD(MUL(MUL(tail4(r), r), r), r);
    return ADD(MUL(scale, em), _mm256_sub_pd(scale, _mm256_set1_pd(1.0)));
}

VECTOR __m256d negate4(__m256d v) { return _mm256_xor_pd(v, _mm256_set1_pd(-0.0)); }
VECTOR __m256d abs4(__m256d v) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), v); }

/// min(max(v, −limit), limit); NaN becomes −limit (such rows are redone by the caller).
VECTOR __m256d clamp4(__m256d v, double limit) {
    return _mm256_min_pd(_mm256_max_pd(v, _mm256_set1_pd(-limit)), _mm256_set1_pd(limit));
}

/// The three largest values per lane and their groups (held as doubles), largest first.
typedef struct { __m256d v0, v1, v2, i0, i1, i2; } Triple;

VECTOR void triple_init(Triple *t) {
    t->v0 = t->v1 = t->v2 = _mm256_setzero_pd();
    t->i0 = t->i1 = t->i2 = _mm256_set1_pd(-1.0);
}

/// Inserts a (groups g) where strictly larger than what it displaces, as
/// `Triple4.insert` does in Sources/Scoring/ScoringKernel.swift.
VECTOR void triple_insert(Triple *t, __m256d a, __m256d g) {
    __m256d c0 = _mm256_cmp_pd(a, t->v0, _CMP_GT_OQ);
    __m256d c1 = _mm256_cmp_pd(a, t->v1, _CMP_GT_OQ);
    __m256d c2 = _mm256_cmp_pd(a, t->v2, _CMP_GT_OQ);
    t->v2 = _mm256_blendv_pd(_mm256_blendv_pd(t->v2, a, c2), t->v1, c1);
    t->i2 = _mm256_blendv_pd(_mm256_blendv_pd(t->i2, g, c2), t->i1, c1);
    t->v1 = _mm256_blendv_pd(_mm256_blendv_pd(t->v1, a, c1), t->v0, c0);
    t->i1 = _mm256_blendv_pd(_mm256_blendv_pd(t->i1, g, c1), t->i0, c0);
    t->v0 = _mm256_blendv_pd(t->v0, a, c0);
    t->i0 = _mm256_blendv_pd(t->i0, g, c0);
}

/// `ScoringKernel.topThree`: rows of the group-major table v (v[g·BLOCK + r]).
VECTOR void top_three(const double *v, int groups, int64_t rows, int32_t *out) {
    const int half = groups / 2;
    for (int64_t r = 0; r < rows; r += 4) {
        Triple a, b;
        triple_init(&a);
        triple_init(&b);
        for (int g = 0; g < half; g++) {
            triple_insert(&a, abs4(_mm256_loadu_pd(v + (int64_t)g * BLOCK + r)), _mm256_set1_pd((double)g));
            triple_insert(&b, abs4(_mm256_loadu_pd(v + (int64_t)(half + g) * BLOCK + r)), _mm256_set1_pd((double)(half + g)));
        }
        if (groups > 2 * half) {
            triple_insert(&b, abs4(_mm256_loadu_pd(v + (int64_t)(groups - 1) * BLOCK + r)), _mm256_set1_pd((double)(groups - 1)));
        }
        triple_insert(&a, b.v0, b.i0);
        triple_insert(&a, b.v1, b.i1);
        triple_insert(&a, b.v2, b.i2);
        double i0[4], i1[4], i2[4];
        _mm256_storeu_pd(i0, a.i0);
        _mm256_storeu_pd(i1, a.i1);
        _mm256_storeu_pd(i2, a.i2);
        int64_t lanes = rows - r < 4 ? rows - r : 4;
        for (int64_t l = 0; l < lanes; l++) {
            out[(r + l) * 3] = (int32_t)i0[l];
            out[(r + l) * 3 + 1] = (int32_t)i1[l];
            out[(r + l) * 3 + 2] = (int32_t)i2[l];
        }
    }
}

/// p, points and e^ζ of four rows.
VECTOR void transform4(const ArrearsKernelConstants *k, __m256d eta, __m256d zeta, __m256d *p, __m256d *points, __m256d *risk) {
    const __m256d one = _mm256_set1_pd(1.0);
    *p = _mm256_div_pd(one, _mm256_add_pd(one, exp4(clamp4(negate4(eta), k->limit))));
    *points = ADD(_mm256_set1_pd(k->offset), MUL(_mm256_set1_pd(k->factor), eta));
    *risk = exp4(clamp4(zeta, k->limit));
}

__attribute__((target("avx2")))
void arrears_kernel_block_avx2(const ArrearsKernelConstants *k, const double *x, int64_t rows,
                               double *logOdds, double *coxEta, double *p, double *points,
                               double *recovered, int32_t *reasons, double *scratch) {
    const int64_t cols = k->columns;
    const int groups = k->groups;
    const double *beta = k->beta, *gamma = k->gamma, *means = k->means;
    double *pull = scratch, *blockPulls = scratch + cols, *risk = scratch + cols + (int64_t)groups * BLOCK;

    // Linear predictors and reason pulls, one row at a time (each row read once).
    for (int64_t i = 0; i < rows; i++) {
        const double *row = x + i * cols;
        __m256d e = _mm256_setzero_pd(), z = _mm256_setzero_pd();
        int64_t j = 0;
        for (; j + 4 <= cols; j += 4) {
            __m256d xv = _mm256_loadu_pd(row + j);
            e = ADD(e, MUL(_mm256_loadu_pd(beta + j), xv));
            z = ADD(z, MUL(_mm256_loadu_pd(gamma + j), xv));
        }
        double es[4], zs[4];
        _mm256_storeu_pd(es, e);
        _mm256_storeu_pd(zs, z);
        for (; j < cols; j++) {
            es[0] += beta[j] * row[j];
            zs[0] += gamma[j] * row[j];
        }
        logOdds[i] = k->intercept + ((es[0] + es[1]) + (es[2] + es[3]));
        coxEta[i] = ((zs[0] + zs[1]) + (zs[2] + zs[3])) - k->centre;
        if (!reasons) continue;
        // βⱼ·(xⱼ − x̄ⱼ): a subtraction then a product, never fused (FP_CONTRACT OFF; the
        // intrinsics are separate operations).
        j = 0;
        for (; j + 4 <= cols; j += 4) {
            _mm256_storeu_pd(pull + j, _mm256_mul_pd(_mm256_loadu_pd(beta + j),
                                                     _mm256_sub_pd(_mm256_loadu_pd(row + j), _mm256_loadu_pd(means + j))));
        }
        for (; j < cols; j++) pull[j] = beta[j] * (row[j] - means[j]);
        for (int g = 0; g < groups; g++) {
            double s = 0.0;
            for (int32_t c = k->groupStart[g]; c < k->groupStart[g + 1]; c++) s += pull[c];
            blockPulls[(int64_t)g * BLOCK + i] = s;
        }
    }
    if (reasons) top_three(blockPulls, groups, rows, reasons);

    // p, points, e^ζ four rows at a time (the last rows padded).
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        __m256d pv, pts, rk;
        transform4(k, _mm256_loadu_pd(logOdds + r), _mm256_loadu_pd(coxEta + r), &pv, &pts, &rk);
        _mm256_storeu_pd(p + r, pv);
        _mm256_storeu_pd(points + r, pts);
        _mm256_storeu_pd(risk + r, rk);
    }
    if (r < rows) {
        double e4[4] = {0, 0, 0, 0}, z4[4] = {0, 0, 0, 0}, p4[4], pt4[4], r4[4];
        for (int64_t l = 0; r + l < rows; l++) { e4[l] = logOdds[r + l]; z4[l] = coxEta[r + l]; }
        __m256d pv, pts, rk;
        transform4(k, _mm256_loadu_pd(e4), _mm256_loadu_pd(z4), &pv, &pts, &rk);
        _mm256_storeu_pd(p4, pv);
        _mm256_storeu_pd(pt4, pts);
        _mm256_storeu_pd(r4, rk);
        for (int64_t l = 0; r + l < rows; l++) { p[r + l] = p4[l]; points[r + l] = pt4[l]; risk[r + l] = r4[l]; }
    }

    // The four horizons of a row in the four lanes.
    const __m256d minus = negate4(_mm256_loadu_pd(k->hazards));
    const __m256d floor40 = _mm256_set1_pd(-40.0);
    for (int64_t i = 0; i < rows; i++) {
        __m256d a = _mm256_max_pd(_mm256_mul_pd(minus, _mm256_set1_pd(risk[i])), floor40);
        _mm256_storeu_pd(recovered + i * 4, negate4(expm1_4(a)));
    }
}

#else

int arrears_kernel_has_avx2(void) { return 0; }

void arrears_kernel_block_avx2(const ArrearsKernelConstants *k, const double *x, int64_t rows,
                               double *logOdds, double *coxEta, double *p, double *points,
                               double *recovered, int32_t *reasons, double *scratch) {
    (void)k; (void)x; (void)rows; (void)logOdds; (void)coxEta; (void)p; (void)points;
    (void)recovered; (void)reasons; (void)scratch;
}

#endif
