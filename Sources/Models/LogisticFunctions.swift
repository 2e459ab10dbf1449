#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The logistic function p = 1 / (1 + e^(−η)), a probability in (0, 1).
///
/// Sign-split: for η ≥ 0 evaluates 1 / (1 + e^(−η)); for η < 0 evaluates
/// e^η / (1 + e^η). Only e^(−|η|) ≤ 1 is ever computed, so neither branch overflows,
/// and a tiny p (η ≪ 0) keeps full relative precision instead of being 1 − (1 − p).
@inlinable
public func logistic(_ eta: Double) -> Double {
    let e = exp(-Swift.abs(eta))
    return eta >= 0 ? 1 / (1 + e) : e / (1 + e)
}

/// softplus(η) = log(1 + e^η), the negative log-likelihood of a 0 label at log-odds η.
///
/// Evaluated as max(η, 0) + log1p(e^(−|η|)): exact to rounding for every finite η,
/// no overflow for large η (where it tends to η) and no underflow to 0 for large −η
/// (where it tends to e^η).
@inlinable
public func softplus(_ eta: Double) -> Double {
    Swift.max(eta, 0) + log1p(exp(-Swift.abs(eta)))
}
