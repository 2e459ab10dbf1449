/// A linear map from data values (the domain, in the data's unit) to SVG user units
/// (the range, in pixels at the chart's nominal size).
struct LinearScale: Sendable, Equatable {
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// true maps the domain's lower end to the range's upper end (SVG y grows downwards).
    var flipped: Bool = false

    /// The pixel position of `value`: range.lower + (v − d₀)/(d₁ − d₀)·(r₁ − r₀), or
    /// reversed when `flipped`. A degenerate domain maps everything to the middle.
    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let t = span > 0 ? (value - domain.lowerBound) / span : 0.5
        let u = flipped ? 1 - t : t
        return range.lowerBound + u * (range.upperBound - range.lowerBound)
    }
}

/// Round tick positions for an axis ("nice numbers", Heckbert 1990): the step is 1, 2,
/// 2.5 or 5 × 10ᵏ, the nice number nearest to (span / (target − 1)), so that about
/// `target` ticks cover the domain.
struct Ticks: Sendable, Equatable {
    /// Tick values, ascending, inside `domain` (to a relative 1e-9).
    var values: [Double]
    /// The distance between ticks.
    var step: Double
    /// Decimals needed to print every tick exactly (0 for steps ≥ 1).
    var decimals: Int

    init(domain: ClosedRange<Double>, target: Int = 6) {
        let lo = domain.lowerBound, hi = domain.upperBound
        guard hi > lo, lo.isFinite, hi.isFinite else {
            values = [lo]
            step = 1
            decimals = lo == lo.rounded() ? 0 : 2
            return
        }
        let raw = (hi - lo) / Double(max(1, target - 1))
        let exponent = Int(raw.log10Floor)
        let base = Double.power10(exponent)
        let fraction = raw / base
        let nice: Double = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3 ? 2.5 : fraction < 7 ? 5 : 10
        step = nice * base
        decimals = max(0, -exponent + (nice == 2.5 ? 1 : 0) - (nice == 10 ? 1 : 0))
        let slack = 1e-9 * (hi - lo)
        var k = (lo / step).rounded(.up)
        var values: [Double] = []
        while k * step <= hi + slack && values.count < 100 {
            let v = k * step
            values.append(Swift.abs(v) < slack ? 0 : v)
            k += 1
        }
        self.values = values
    }
}

/// A domain padded out to the nearest multiples of the tick step, so axes end on a tick.
func niceDomain(_ lo: Double, _ hi: Double, target: Int = 6) -> ClosedRange<Double> {
    guard lo.isFinite, hi.isFinite else { return 0...1 }
    if hi <= lo { return (lo - 1)...(lo + 1) }
    // Widening can change the step chosen for the wider domain (0…0.101 → step 0.02 →
    // 0…0.12 → step 0.025), so repeat until the domain ends on its own ticks.
    var domain = lo...hi
    for _ in 0..<4 {
        let step = Ticks(domain: domain, target: target).step
        let widened = ((lo / step).rounded(.down) * step)...((hi / step).rounded(.up) * step)
        let wideStep = Ticks(domain: widened, target: target).step
        domain = widened
        if wideStep == step { break }
        domain = ((lo / wideStep).rounded(.down) * wideStep)...((hi / wideStep).rounded(.up) * wideStep)
        if Ticks(domain: domain, target: target).step == wideStep { break }
    }
    return domain
}
