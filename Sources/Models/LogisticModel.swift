import LinearAlgebra

/// A fitted logistic regression: P(y = 1 | x) = logistic(β₀ + Σⱼ βⱼ·xⱼ).
///
/// Immutable result of `LogisticRegression.fit`; scoring (`probability`,
/// `linearPredictor`) is pure. All quantities are on the original feature scale:
/// the internal standardization is undone, including the covariance (see
/// `LogisticRegression` for the transform).
public struct LogisticModel: Sendable, Codable, Equatable {
    /// Name of the intercept row in `coefficients`.
    public static let interceptName = "(intercept)"

    /// β with standard errors: the intercept first (named "(intercept)"), then one row
    /// per feature in the order of the fitted matrix's columns. Units: log-odds per unit
    /// of the feature.
    public var coefficients: [Coefficient]
    /// Covariance of the estimates, `(p + 1) × (p + 1)` in the order of `coefficients`
    /// (row-major rows). Without a penalty this is the inverse observed information
    /// (XᵀWX)⁻¹ as statsmodels reports it; with `l2 > 0` it is the inverse of the
    /// penalized Hessian (an approximation: Wald tests are then only indicative).
    public var covariance: [[Double]]
    /// The feature means and SDs used during the fit (the penalty's scale).
    public var standardization: Standardization
    /// ℓ(β) = Σᵢ yᵢηᵢ − log(1 + e^ηᵢ) at the estimate (without the penalty term).
    public var logLikelihood: Double
    /// ℓ of the intercept-only model: n₁·log(n₁/n) + n₀·log(n₀/n).
    public var nullLogLikelihood: Double
    /// −2ℓ (a 0/1 response has saturated log-likelihood 0).
    public var deviance: Double
    /// −2ℓ₀.
    public var nullDeviance: Double
    /// Akaike information criterion 2k − 2ℓ with k = p + 1 estimated coefficients
    /// (nominal k also when penalized).
    public var aic: Double
    /// Newton steps taken.
    public var iterations: Int
    /// Whether the relative deviance change fell below the tolerance. Always `true` for
    /// a model returned by `fit`; `false` only in `LogisticError.lastIterate`.
    public var converged: Bool
    /// Rows used in the fit.
    public var nObs: Int
    /// Rows with label 1.
    public var nEvents: Int
    /// The L2 penalty λ used (on the standardized scale; 0 = maximum likelihood).
    public var l2: Double
    /// Fitted by Firth's penalized likelihood (`LogisticRegression(firth: true)`);
    /// false in version-1 artifacts, which predate it.
    public var firth: Bool = false
    /// ℓ* = ℓ + ½ log det(XᵀWX) at the estimate (original scale, as `logistf` reports it)
    /// for a Firth fit; nil otherwise.
    public var penalizedLogLikelihood: Double?

    public init(coefficients: [Coefficient], covariance: [[Double]], standardization: Standardization,
                logLikelihood: Double, nullLogLikelihood: Double, iterations: Int, converged: Bool,
                nObs: Int, nEvents: Int, l2: Double) {
        precondition(!coefficients.isEmpty && coefficients[0].name == Self.interceptName,
                     "LogisticModel: the first coefficient must be the intercept")
        precondition(covariance.count == coefficients.count
                     && covariance.allSatisfy { $0.count == coefficients.count },
                     "LogisticModel: covariance must be \(coefficients.count)×\(coefficients.count)")
        precondition(standardization.count == coefficients.count - 1,
                     "LogisticModel: standardization has \(standardization.count) features, expected \(coefficients.count - 1)")
        self.coefficients = coefficients
        self.covariance = covariance
        self.standardization = standardization
        self.logLikelihood = logLikelihood
        self.nullLogLikelihood = nullLogLikelihood
        self.deviance = -2 * logLikelihood
        self.nullDeviance = -2 * nullLogLikelihood
        self.aic = 2 * Double(coefficients.count) - 2 * logLikelihood
        self.iterations = iterations
        self.converged = converged
        self.nObs = nObs
        self.nEvents = nEvents
        self.l2 = l2
    }

    /// β₀, log-odds at x = 0.
    public var intercept: Double { coefficients[0].estimate }
    /// β₁ … βₚ, in feature order.
    public var slopes: [Double] { coefficients.dropFirst().map(\.estimate) }
    /// The feature names, in column order (without the intercept).
    public var featureNames: [String] { coefficients.dropFirst().map(\.name) }
    /// McFadden's pseudo-R² = 1 − ℓ/ℓ₀.
    public var pseudoRSquared: Double { 1 - logLikelihood / nullLogLikelihood }
    /// Likelihood-ratio χ² = 2(ℓ − ℓ₀) on p degrees of freedom, and its p-value.
    public var likelihoodRatioTest: (statistic: Double, df: Int, pValue: Double) {
        let lr = 2 * (logLikelihood - nullLogLikelihood)
        let df = coefficients.count - 1
        return (lr, df, df > 0 ? chiSquaredUpperTail(lr, df: df) : .nan)
    }

    /// η = β₀ + X·β for a row-major `n × p` matrix whose columns are the fitted features,
    /// written into a caller-owned buffer of `n` log-odds. BLAS: one `dgemv`
    /// (η is pre-filled with β₀ and accumulated with beta = 1).
    /// - Complexity: O(n · p), one pass over X.
    public func linearPredictor(_ x: Matrix, into eta: inout [Double]) {
        precondition(x.cols == coefficients.count - 1,
                     "LogisticModel: matrix has \(x.cols) columns, model has \(coefficients.count - 1) features")
        if eta.count != x.rows { eta = [Double](repeating: 0, count: x.rows) }
        let b0 = intercept
        for i in eta.indices { eta[i] = b0 }
        multiply(x, slopes, beta: 1, into: &eta)
    }

    /// η = β₀ + X·β, one log-odds per row. See `linearPredictor(_:into:)`.
    public func linearPredictor(_ x: Matrix) -> [Double] {
        var eta = [Double](repeating: 0, count: x.rows)
        linearPredictor(x, into: &eta)
        return eta
    }

    /// P(y = 1 | x) = logistic(η) per row (probabilities in [0, 1]); one `dgemv` then the
    /// sign-split logistic in place.
    /// - Complexity: O(n · p).
    public func probability(_ x: Matrix) -> [Double] {
        var p = linearPredictor(x)
        p.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = logistic(b[i]) }
        }
        return p
    }
}

extension LogisticModel {
    /// Decodes a model and checks its shape, so a damaged or hand-edited artifact fails
    /// at load time with a message instead of trapping when it scores: the first
    /// coefficient must be the intercept, the covariance (p + 1) × (p + 1), the
    /// standardization p features, and every number finite.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        coefficients = try c.decode([Coefficient].self, forKey: .coefficients)
        covariance = try c.decode([[Double]].self, forKey: .covariance)
        standardization = try c.decode(Standardization.self, forKey: .standardization)
        logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
        nullLogLikelihood = try c.decode(Double.self, forKey: .nullLogLikelihood)
        deviance = try c.decode(Double.self, forKey: .deviance)
        nullDeviance = try c.decode(Double.self, forKey: .nullDeviance)
        aic = try c.decode(Double.self, forKey: .aic)
        iterations = try c.decode(Int.self, forKey: .iterations)
        converged = try c.decode(Bool.self, forKey: .converged)
        nObs = try c.decode(Int.self, forKey: .nObs)
        nEvents = try c.decode(Int.self, forKey: .nEvents)
        l2 = try c.decode(Double.self, forKey: .l2)
        firth = try c.decodeIfPresent(Bool.self, forKey: .firth) ?? false
        penalizedLogLikelihood = try c.decodeIfPresent(Double.self, forKey: .penalizedLogLikelihood)

        let q = coefficients.count
        guard q >= 1, coefficients[0].name == Self.interceptName else {
            throw DecodingError.dataCorruptedError(forKey: .coefficients, in: c, debugDescription:
                "the first logistic coefficient must be '\(Self.interceptName)', found '\(coefficients.first?.name ?? "nothing")'")
        }
        guard covariance.count == q, covariance.allSatisfy({ $0.count == q }) else {
            throw DecodingError.dataCorruptedError(forKey: .covariance, in: c, debugDescription:
                "the logistic covariance must be \(q)×\(q) for \(q - 1) features and the intercept; found "
                + "\(covariance.count) rows of lengths \(Set(covariance.map(\.count)).sorted())")
        }
        guard standardization.count == q - 1, standardization.standardDeviations.count == q - 1 else {
            throw DecodingError.dataCorruptedError(forKey: .standardization, in: c, debugDescription:
                "the logistic standardization has \(standardization.count) features; the coefficients have \(q - 1)")
        }
        if let bad = coefficients.first(where: { !$0.estimate.isFinite || !$0.standardError.isFinite }) {
            throw DecodingError.dataCorruptedError(forKey: .coefficients, in: c, debugDescription:
                "the logistic coefficient '\(bad.name)' is not a finite number")
        }
    }
}
