/// The IANA time zones each US state (and DC, PR) spans, for the call window of an
/// account whose own zone is unknown (DESIGN §12: "unknown zone ⇒ the window valid in
/// every candidate zone").
///
/// A state split between zones lists each: FL (Eastern; the western panhandle Central),
/// TX (Central; El Paso and Hudspeth Mountain), TN, KY, IN, MI (Eastern/Central), KS, NE,
/// ND, SD (Central/Mountain), ID and OR (Mountain/Pacific), NV (Pacific; West Wendover
/// Mountain), AZ (Phoenix, no DST; the Navajo Nation Mountain with DST), AK (Anchorage;
/// the western Aleutians Hawaii–Aleutian). Zone boundaries are from the IANA tz database's
/// zone comments (`northamerica`); counties move between zones rarely, so check this table
/// when a state's law changes.
public enum StateTimeZones {
    /// Upper-case two-letter code → candidate zones, the most populous first.
    public static let byState: [String: [String]] = [
        "AL": ["America/Chicago"], "AK": ["America/Anchorage", "America/Adak"],
        "AZ": ["America/Phoenix", "America/Denver"], "AR": ["America/Chicago"],
        "CA": ["America/Los_Angeles"], "CO": ["America/Denver"], "CT": ["America/New_York"],
        "DE": ["America/New_York"], "DC": ["America/New_York"],
        "FL": ["America/New_York", "America/Chicago"], "GA": ["America/New_York"],
        "HI": ["Pacific/Honolulu"], "ID": ["America/Boise", "America/Los_Angeles"],
        "IL": ["America/Chicago"], "IN": ["America/Indiana/Indianapolis", "America/Chicago"],
        "IA": ["America/Chicago"], "KS": ["America/Chicago", "America/Denver"],
        "KY": ["America/New_York", "America/Chicago"], "LA": ["America/Chicago"],
        "ME": ["America/New_York"], "MD": ["America/New_York"], "MA": ["America/New_York"],
        "MI": ["America/Detroit", "America/Menominee"], "MN": ["America/Chicago"],
        "MS": ["America/Chicago"], "MO": ["America/Chicago"], "MT": ["America/Denver"],
        "NE": ["America/Chicago", "America/Denver"], "NV": ["America/Los_Angeles", "America/Denver"],
        "NH": ["America/New_York"], "NJ": ["America/New_York"], "NM": ["America/Denver"],
        "NY": ["America/New_York"], "NC": ["America/New_York"],
        "ND": ["America/Chicago", "America/Denver"], "OH": ["America/New_York"],
        "OK": ["America/Chicago"], "OR": ["America/Los_Angeles", "America/Boise"],
        "PA": ["America/New_York"], "RI": ["America/New_York"], "SC": ["America/New_York"],
        "SD": ["America/Chicago", "America/Denver"], "TN": ["America/Chicago", "America/New_York"],
        "TX": ["America/Chicago", "America/Denver"], "UT": ["America/Denver"],
        "VT": ["America/New_York"], "VA": ["America/New_York"], "WA": ["America/Los_Angeles"],
        "WV": ["America/New_York"], "WI": ["America/Chicago"], "WY": ["America/Denver"],
        "PR": ["America/Puerto_Rico"],
    ]

    /// Every zone of the table, sorted: the candidates when neither the zone nor the
    /// state is known.
    public static let allZones: [String] = Array(Set(byState.values.joined())).sorted()

    /// The zones to satisfy for an account: its own zone when known, else its state's
    /// zones, else every zone of the table.
    public static func candidates(zone: String, state: String) -> [String] {
        if !zone.isEmpty { return [zone] }
        return byState[state.uppercased()] ?? allZones
    }
}
