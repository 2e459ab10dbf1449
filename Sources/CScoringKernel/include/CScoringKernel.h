// The scoring kernel's AVX2 block loop (see Sources/Scoring/ScoringKernel.swift, which
// owns the math, the baseline path and the rare-row fix-ups). Compiled for the baseline
// x86-64 target; the AVX2 code sits in functions with __attribute__((target("avx2")))
// and runs only after arrears_kernel_has_avx2() said the CPU has it.
#ifndef ARREARS_CSCORINGKERNEL_H
#define ARREARS_CSCORINGKERNEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The constants of one kernel (all pointers borrowed for the call).
typedef struct {
    const double *beta;        ///< [columns] logistic slopes β
    const double *gamma;       ///< [columns] Cox coefficients γ
    const double *means;       ///< [columns] training means x̄ of the reasons
    const int32_t *groupStart; ///< [groups + 1] group g = columns groupStart[g] ..< groupStart[g + 1]
    const double *hazards;     ///< [4] H(tₕ | m) at the four horizons
    double intercept;          ///< β₀
    double centre;             ///< mᵀγ
    double offset;             ///< points = offset + factor·η
    double factor;
    double limit;              ///< |η|, |ζ| clamp of the exponentials (rows beyond are redone by the caller)
    int32_t columns;           ///< p
    int32_t groups;            ///< reason groups
} ArrearsKernelConstants;

/// Rows in one block (the scratch's group-major pull table has this many per group).
#define ARREARS_KERNEL_BLOCK 64

/// 1 when the CPU has AVX2 (run-time check), else 0.
int arrears_kernel_has_avx2(void);

/// One block of `rows` ≤ ARREARS_KERNEL_BLOCK rows of the row-major `x` (rows × columns):
/// η, ζ, p, points, P(recovered by tₕ) for the four horizons (row-major rows × 4) and,
/// when `reasons` is not NULL, the top-three reason groups (rows × 3). `scratch` holds
/// columns + groups·ARREARS_KERNEL_BLOCK + ARREARS_KERNEL_BLOCK doubles.
/// The same bits as the baseline Swift loops. Must only be called when
/// arrears_kernel_has_avx2() is 1.
void arrears_kernel_block_avx2(const ArrearsKernelConstants *k, const double *x, int64_t rows,
                               double *logOdds, double *coxEta, double *p, double *points,
                               double *recovered, int32_t *reasons, double *scratch);

#ifdef __cplusplus
}
#endif

#endif
