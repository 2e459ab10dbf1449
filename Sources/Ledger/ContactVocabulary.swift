/// The channels of a contact attempt (DESIGN §12), stored as their raw value.
public enum ContactChannel: UInt8, Sendable, CaseIterable {
    case call = 1, sms, email, letter, visit

    public var code: String {
        switch self {
        case .call: "call"
        case .sms: "sms"
        case .email: "email"
        case .letter: "letter"
        case .visit: "visit"
        }
    }

    public init?(code: some Collection<UInt8>) {
        guard let c = codeTable.match(code) else { return nil }
        self = Self(rawValue: c)!
    }
}

private let codeTable = CodeTable(ContactChannel.allCases.map { ($0.code, $0.rawValue) })
private let outcomeTable = CodeTable(ContactOutcome.allCases.map { ($0.code, $0.rawValue) })

/// Names → raw values, matched on bytes without making a `String` (the import's hot loop).
struct CodeTable: Sendable {
    let entries: [([UInt8], UInt8)]
    init(_ names: [(String, UInt8)]) { entries = names.map { (Array($0.0.utf8), $0.1) } }

    func match(_ bytes: some Collection<UInt8>) -> UInt8? {
        let n = bytes.count
        for (name, value) in entries where name.count == n && name.elementsEqual(bytes) { return value }
        return nil
    }
}

/// The outcome of a contact attempt (DESIGN §12), stored as its raw value.
public enum ContactOutcome: UInt8, Sendable, CaseIterable {
    case noAnswer = 1, voicemail, rightParty, wrongNumber, refused, promise, dispute, ceaseRequest

    public var code: String {
        switch self {
        case .noAnswer: "no_answer"
        case .voicemail: "voicemail"
        case .rightParty: "right_party"
        case .wrongNumber: "wrong_number"
        case .refused: "refused"
        case .promise: "promise"
        case .dispute: "dispute"
        case .ceaseRequest: "cease_request"
        }
    }

    /// The person was reached: on a call, a conversation that starts the 7-day block
    /// (12 CFR 1006.14(b)(2)(i)(B)); on any channel, a right-party contact.
    public var reachedPerson: Bool {
        switch self {
        case .rightParty, .promise, .dispute, .ceaseRequest: true
        case .noAnswer, .voicemail, .wrongNumber, .refused: false
        }
    }

    public init?(code: some Collection<UInt8>) {
        guard let c = outcomeTable.match(code) else { return nil }
        self = Self(rawValue: c)!
    }
}
