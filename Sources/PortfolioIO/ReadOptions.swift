/// How `readPortfolio` treats labels and extra columns.
public struct ReadOptions: Sendable, Equatable {
    /// Training mode: `days_to_recovery` and `recovered` must be columns of the accounts
    /// file (else `InputError.missingColumn`) and every row must hold a number ≥ 0 and
    /// 0 or 1 respectively (else the row is rejected with `bad_label`).
    ///
    /// When false, the label columns are read if present; a bad or empty label never
    /// rejects a row but stores NaN/false and leaves `AccountTable.hasLabels` false.
    public var requireLabels: Bool

    /// Extra (non-schema) columns of the accounts file to drop, matched
    /// case-insensitively. Naming a required column (account_id, balance,
    /// days_past_due; with `requireLabels` also the labels) is an
    /// `InputError.ignoredRequiredColumn`. Optional schema columns are never dropped
    /// here, because the worklist's compliance rules read them (hold flags, state,
    /// contact dates); drop them from the model with the feature options instead.
    /// Names matching no column are ignored (the feature stage reports unknown names).
    public var ignoreColumns: [String]

    /// Hash (SHA-256) the bytes of both files while parsing them, into
    /// `Portfolio.accountsFingerprint` and `paymentsFingerprint` (training records them).
    public var fingerprint: Bool

    /// The extra column holding each account's case weight (training with weights),
    /// matched case-insensitively; nil = no weights. It must be a column of the accounts
    /// file (else `InputError.missingColumn`), is read into `AccountTable.caseWeights`
    /// instead of becoming a feature, and a cell that is not a finite number > 0 rejects
    /// its row (`missing_value`, `bad_number`, `negative_value` or `out_of_range` for 0).
    public var weightsColumn: String?

    public init(requireLabels: Bool = false, ignoreColumns: [String] = [], fingerprint: Bool = false,
                weightsColumn: String? = nil) {
        self.requireLabels = requireLabels
        self.ignoreColumns = ignoreColumns
        self.fingerprint = fingerprint
        self.weightsColumn = weightsColumn
    }
}

/// Columns of schema v1's accounts file (DESIGN §2), in the order rows are validated.
enum AccountColumn: Int, CaseIterable {
    case accountID, balance, daysPastDue, creditLimit, product, state, lastPaymentDate
    case bankruptcy, ceaseAndDesist, dispute, deceased, callsLast7d, lastConversationDate
    case daysToRecovery, recovered, outcome

    /// The header name (lower case).
    var name: String {
        switch self {
        case .accountID: "account_id"
        case .balance: "balance"
        case .daysPastDue: "days_past_due"
        case .creditLimit: "credit_limit"
        case .product: "product"
        case .state: "state"
        case .lastPaymentDate: "last_payment_date"
        case .bankruptcy: "bankruptcy"
        case .ceaseAndDesist: "cease_and_desist"
        case .dispute: "dispute"
        case .deceased: "deceased"
        case .callsLast7d: "calls_last_7d"
        case .lastConversationDate: "last_conversation_date"
        case .daysToRecovery: "days_to_recovery"
        case .recovered: "recovered"
        case .outcome: "outcome"
        }
    }

    var isRequired: Bool { self == .accountID || self == .balance || self == .daysPastDue }
    var isLabel: Bool { self == .daysToRecovery || self == .recovered }
}

/// Columns of schema v1's payments file, all required, in validation order.
enum PaymentColumn: Int, CaseIterable {
    case accountID, date, amountDue, amountPaid

    var name: String {
        switch self {
        case .accountID: "account_id"
        case .date: "date"
        case .amountDue: "amount_due"
        case .amountPaid: "amount_paid"
        }
    }
}
