import CScan

/// A streaming RFC 4180 reader over bytes.
///
/// - Records end at LF, CRLF or a lone CR outside quotes; the last record may lack a
///   line break. Mixed line endings in one file are fine.
/// - A field that starts with `"` is quoted: it may hold commas, line breaks and `""`
///   (one literal quote). A `"` inside an unquoted field is an ordinary byte.
/// - A UTF-8 byte-order mark at the start of the input is skipped.
/// - Blank lines (a line break right after another, or at the start) are skipped and are
///   not records; `""` alone on a line is a record with one empty field.
///
/// Fields are byte ranges into the reader's buffer, valid until the next call of
/// `next()`; no `String` is made unless asked for. The input is read in chunks
/// (default 4 MiB), so memory stays flat however large the file; the buffer grows only
/// when a single record is longer than it, up to `maximumRecordBytes` (32 MiB); a
/// longer record, or a field longer than `maximumFieldBytes` (16 MiB), stops the read
/// with `InputError.Code.recordTooLong` naming its line, so an endless line (a
/// `/dev/zero`, a file without line breaks) cannot grow memory without bound.
///
/// With `fingerprintInput()` the reader hashes (SHA-256) exactly the bytes it takes from
/// its source, as it reads them: the fingerprint of a file read once, even when it is a
/// pipe or is appended to while being read.
///
/// Boundaries are found by wide scanning: `CScan` marks the commas, line feeds, carriage
/// returns and quotes of each 64-byte group in one 64-bit word (AVX2 `vpcmpeqb` +
/// `vpmovmskb` when the CPU has it, checked at run time, else a table loop), computed a
/// few KiB ahead of the parser, and a record whose fields are all unquoted and which
/// ends in LF is cut with one `tzcnt` per field. Any other record — a field that starts
/// with a quote, a quote or CR inside a field, a record the buffer cuts off — goes to the
/// byte-at-a-time scanner, which defines the semantics above; the wide path only ever
/// accepts records on which both agree (tests compare them on random inputs).
///
/// - Complexity: O(n) in the input bytes; one pass, plus one in-place pass over quoted
///   fields that contain `""`.
public final class CSVReader {
    /// How a record ended.
    public enum Status: Equatable, Sendable {
        /// A complete, well-formed record.
        case record
        /// The record's fields were read, but a quoted field has text after its closing
        /// quote (`"abc"def`); that text is dropped.
        case textAfterClosingQuote
        /// The input ended inside a quoted field; the field runs to the end of the input.
        case unterminatedQuote
        /// No more records.
        case end
    }

    @usableFromInline
    struct FieldSpan {
        @usableFromInline var start: Int
        @usableFromInline var end: Int
        @usableFromInline var escaped: Bool
    }

    enum Source {
        case descriptor(Int32, closeWhenDone: Bool)
        case memory([UInt8], offset: Int)
        /// Bytes owned by someone else (a block of the parallel reader), read in place;
        /// `final` says whether their end is the end of the input.
        case view(UnsafeBufferPointer<UInt8>, offset: Int, final: Bool)
    }

    /// The name used in errors (the path as given, `<stdin>` for `-`).
    public let displayName: String
    /// Size of the input in bytes when known in advance (regular files, memory).
    public let knownSize: Int?

    private var source: Source
    /// SHA-256 of every byte taken from the source so far, when fingerprinting.
    private var hasher: SHA256?
    private var bytesFromSource = 0

    /// The longest record (line, with any quoted line breaks) the reader accepts: 32 MiB.
    public static let maximumRecordBytes = 32 << 20
    /// The longest field the reader accepts: 16 MiB.
    public static let maximumFieldBytes = 16 << 20

    /// The per-record state. It lives behind a pointer the class never reassigns, so the
    /// hot loops reach it without the dynamic exclusivity checks that every access to a
    /// class's stored `var` costs (they were a quarter of the read time).
    @usableFromInline
    struct State {
        @usableFromInline var buffer: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var position = 0          // first byte of the next record
        var filled = 0            // bytes [0, filled) hold data
        var atEOF = false
        var startedInput = false
        var nextLine = 1          // line where the next record starts
        var bytesConsumed = 0
        @usableFromInline var fields: UnsafeMutablePointer<FieldSpan>
        var fieldCapacity = 64
        @usableFromInline var fieldCount = 0
        var line = 0
        /// View readers: `next()` returns `.end` once the next record would start at or
        /// after this many bytes into the view.
        var stopOffset = Int.max
        /// View readers: the view ended (and it is not the end of the input) inside a
        /// record, which starts `bytesConsumed` bytes into the view.
        var exhausted = false
        /// Structural-byte bitmaps of the buffer: bit j of word k is set when byte
        /// 64k + j is `,` LF CR or `"`; words [0, maskWords) are current.
        var masks: UnsafeMutablePointer<UInt64>
        var maskWords = 0
        /// False: every record goes to the byte-at-a-time scanner (tests).
        var wideScan = true
    }
    @usableFromInline let state: UnsafeMutablePointer<State>

    @usableFromInline var buffer: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { state.pointee.buffer }
        @inline(__always) set { state.pointee.buffer = newValue }
    }
    private var capacity: Int {
        @inline(__always) get { state.pointee.capacity }
        @inline(__always) set { state.pointee.capacity = newValue }
    }
    private var position: Int {
        @inline(__always) get { state.pointee.position }
        @inline(__always) set { state.pointee.position = newValue }
    }
    private var filled: Int {
        @inline(__always) get { state.pointee.filled }
        @inline(__always) set { state.pointee.filled = newValue }
    }
    private var atEOF: Bool {
        @inline(__always) get { state.pointee.atEOF }
        @inline(__always) set { state.pointee.atEOF = newValue }
    }
    private var startedInput: Bool {
        @inline(__always) get { state.pointee.startedInput }
        @inline(__always) set { state.pointee.startedInput = newValue }
    }
    private var nextLine: Int {
        @inline(__always) get { state.pointee.nextLine }
        @inline(__always) set { state.pointee.nextLine = newValue }
    }
    /// Total input bytes consumed so far (for progress and sizing estimates).
    public private(set) var bytesConsumed: Int {
        @inline(__always) get { state.pointee.bytesConsumed }
        @inline(__always) set { state.pointee.bytesConsumed = newValue }
    }
    @usableFromInline var fields: UnsafeMutablePointer<FieldSpan> {
        @inline(__always) get { state.pointee.fields }
        @inline(__always) set { state.pointee.fields = newValue }
    }
    private var fieldCapacity: Int {
        @inline(__always) get { state.pointee.fieldCapacity }
        @inline(__always) set { state.pointee.fieldCapacity = newValue }
    }
    /// Fields of the current record.
    public private(set) var fieldCount: Int {
        @inlinable @inline(__always) get { state.pointee.fieldCount }
        @inline(__always) set { state.pointee.fieldCount = newValue }
    }
    /// 1-based line where the current record starts.
    public private(set) var line: Int {
        @inline(__always) get { state.pointee.line }
        @inline(__always) set { state.pointee.line = newValue }
    }

    /// Reads the file at `path`, or standard input when `path` is `-`.
    /// - Throws: `InputError.Code.unreadableFile` when it cannot be opened or is a directory.
    public convenience init(path: String, chunkSize: Int = 4 << 20) throws(InputError) {
        if path == "-" {
            self.init(source: .descriptor(0, closeWhenDone: false), displayName: "<stdin>",
                      knownSize: Sys.regularFileSize(0), chunkSize: chunkSize)
            return
        }
        let fd = Sys.openForReading(path)
        guard fd >= 0 else {
            throw InputError(code: .unreadableFile, file: path, message: "cannot open: \(Sys.errnoMessage())")
        }
        if Sys.isDirectory(fd) {
            Sys.close(fd)
            throw InputError(code: .unreadableFile, file: path, message: "is a directory, not a CSV file")
        }
        if Sys.isCharacterDevice(fd) {
            Sys.close(fd)
            throw InputError(code: .unreadableFile, file: path,
                             message: "is a device, not a CSV file; give a regular file, a pipe, or '-' for standard input")
        }
        self.init(source: .descriptor(fd, closeWhenDone: true), displayName: path,
                  knownSize: Sys.regularFileSize(fd), chunkSize: chunkSize)
    }

    /// Reads an open stream (a pipe, a socket, standard input) to its end, leaving the
    /// descriptor open; `name` appears in errors and rejects.
    public convenience init(fileDescriptor fd: Int32, name: String, chunkSize: Int = 4 << 20) {
        self.init(source: .descriptor(fd, closeWhenDone: false), displayName: name,
                  knownSize: Sys.regularFileSize(fd), chunkSize: chunkSize)
    }

    /// Reads bytes held in memory (tests, data already loaded). `chunkSize` sets the
    /// read granularity; tiny values exercise the record-across-chunks logic.
    public convenience init(bytes: [UInt8], name: String, chunkSize: Int = 4 << 20) {
        self.init(source: .memory(bytes, offset: 0), displayName: name, knownSize: bytes.count,
                  chunkSize: chunkSize)
    }

    /// A reader over `view`, a piece of a larger input cut at a presumed record start
    /// (the parallel reader's pieces): no byte-order mark is looked for, line numbers
    /// start at `firstLine`, and `next()` returns `.end` before any record that would
    /// start `stopOffset` or more bytes into the view. When `final` is false the view's
    /// end is not the input's: a record cut off by it is not returned, `exhausted`
    /// becomes true and `bytesConsumed` is where that record starts.
    /// `view` must stay valid and unchanged for the reader's lifetime; it is copied into
    /// the reader's own buffer `chunkSize` bytes at a time, never written.
    convenience init(view: UnsafeBufferPointer<UInt8>, final: Bool, name: String, firstLine: Int, stopOffset: Int,
         chunkSize: Int) {
        self.init(source: .view(view, offset: 0, final: final), displayName: name,
                  knownSize: min(view.count, stopOffset), chunkSize: chunkSize)
        state.pointee.startedInput = true
        state.pointee.nextLine = firstLine
        state.pointee.stopOffset = stopOffset
    }

    /// Starts hashing the input: call before the first `next()`. The hash covers every
    /// byte taken from the source, so once `next()` has returned `.end` it is the
    /// fingerprint of exactly the bytes parsed.
    public func fingerprintInput() {
        precondition(!startedInput, "fingerprintInput() after reading started")
        hasher = SHA256()
    }

    /// Size and SHA-256 of the bytes read from the source, when `fingerprintInput()` was
    /// called; complete once `next()` has returned `.end`.
    public var fingerprint: InputFingerprint? {
        guard var h = hasher else { return nil }
        return InputFingerprint(bytes: bytesFromSource, sha256: h.finalizeHex())
    }

    /// Feeds `count` bytes just taken from the source at `start` to the hash.
    private func took(_ start: UnsafeMutablePointer<UInt8>, _ count: Int) {
        bytesFromSource += count
        if hasher != nil, count > 0 { hasher!.update(UnsafeRawBufferPointer(start: start, count: count)) }
    }

    /// The structural-byte bitmaps of `words` 64-byte groups at `p` (bit j of word k:
    /// byte 64k + j is `,` LF CR or `"`), as the wide scanner sees them.
    static func structuralMasks(_ p: UnsafePointer<UInt8>, words: Int, into out: UnsafeMutablePointer<UInt64>) {
        cscan_structural_masks(p, words, out)
    }

    /// Turns the wide (bitmap) scanner off or on; off, every record takes the
    /// byte-at-a-time path. Results are the same either way (tests check it).
    func useWideScan(_ on: Bool) { state.pointee.wideScan = on }

    /// True after `fingerprintInput()`.
    var isFingerprinting: Bool { hasher != nil }

    /// Hashes bytes taken with `readRemainingBytes(…, hash: false)`; the caller keeps
    /// them in source order and calls this from one thread at a time.
    func hashTaken(_ bytes: UnsafeBufferPointer<UInt8>) {
        if hasher != nil, bytes.count > 0 { hasher!.update(UnsafeRawBufferPointer(bytes)) }
    }

    /// Line where the next record starts (1-based; relative for view readers).
    var nextRecordLine: Int { nextLine }
    /// True when a view reader stopped at a record its (non-final) view cuts off.
    var exhausted: Bool { state.pointee.exhausted }

    /// Hands over the input after the records read so far, for a reader that parses it
    /// elsewhere (the parallel portfolio reader): copies up to `capacity` bytes to
    /// `destination`, first the ones already buffered, then straight from the source.
    /// Returns the count, 0 only at the end of the input. The reader's own records are
    /// not used afterwards.
    /// - Throws: `unreadableFile` when reading fails midway.
    func readRemainingBytes(into destination: UnsafeMutablePointer<UInt8>, capacity: Int) throws(InputError) -> Int {
        try readRemainingBytes(into: destination, capacity: capacity, hash: true).count
    }

    /// `readRemainingBytes(into:capacity:)`; with `hash: false` the bytes taken from the
    /// source now are counted but not hashed: the caller passes them to `hashTaken`
    /// itself, in order, before `fingerprint` is read. `hashed` is true when the bytes
    /// came from the reader's buffer, which were hashed when they were read.
    func readRemainingBytes(into destination: UnsafeMutablePointer<UInt8>, capacity: Int,
                            hash: Bool) throws(InputError) -> (count: Int, hashed: Bool) {
        precondition(capacity > 0)
        if !startedInput { try start() }
        let buffered = filled - position
        if buffered > 0 {
            let n = min(buffered, capacity)
            destination.update(from: buffer + position, count: n)
            position += n
            bytesConsumed += n
            return (n, true)
        }
        if atEOF { return (0, hash) }
        let n: Int
        switch source {
        case .descriptor(let fd, _):
            n = Sys.read(fd, destination, capacity)
            if n < 0 {
                throw InputError(code: .unreadableFile, file: displayName,
                                 message: "reading failed: \(Sys.errnoMessage())")
            }
        case .memory(let bytes, let offset):
            n = min(capacity, bytes.count - offset)
            if n > 0 {
                bytes.withUnsafeBufferPointer { src in
                    destination.update(from: src.baseAddress! + offset, count: n)
                }
            }
            source = .memory(bytes, offset: offset + n)
        case .view(let bytes, let offset, let final):
            n = min(capacity, bytes.count - offset)
            if n > 0 { destination.update(from: bytes.baseAddress! + offset, count: n) }
            source = .view(bytes, offset: offset + n, final: final)
        }
        if n == 0 { atEOF = true }
        if hash {
            took(destination, n)
        } else {
            bytesFromSource += n
        }
        bytesConsumed += n
        return (n, hash)
    }

    private init(source: Source, displayName: String, knownSize: Int?, chunkSize: Int) {
        self.source = source
        self.displayName = displayName
        self.knownSize = knownSize
        let capacity = max(4, chunkSize)
        state = .allocate(capacity: 1)
        state.initialize(to: State(buffer: .allocate(capacity: capacity), capacity: capacity,
                                   fields: .allocate(capacity: 64),
                                   masks: .allocate(capacity: capacity / 64 + 1)))
    }

    deinit {
        state.pointee.buffer.deallocate()
        state.pointee.fields.deallocate()
        state.pointee.masks.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
        if case .descriptor(let fd, true) = source { Sys.close(fd) }
    }

    // MARK: Field access

    /// The bytes of field `i` of the current record (quotes removed, `""` → `"`).
    /// Valid until the next call of `next()`.
    @inlinable
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let st = state
        precondition(i >= 0 && i < st.pointee.fieldCount, "field index \(i) out of range 0..<\(st.pointee.fieldCount)")
        let f = st.pointee.fields[i]
        return UnsafeBufferPointer(start: st.pointee.buffer + f.start, count: f.end - f.start)
    }

    /// Field `i` decoded as UTF-8 (invalid bytes become U+FFFD).
    public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

    /// All fields of the current record as strings.
    public func strings() -> [String] { (0..<fieldCount).map(string) }

    // MARK: Reading

    /// Advances to the next record.
    /// - Throws: `unreadableFile` when reading fails midway.
    public func next() throws(InputError) -> Status {
        if !startedInput { try start() }
        let stop = state.pointee.stopOffset
        while true {
            if bytesConsumed >= stop { fieldCount = 0; return .end }
            if position >= filled {
                if atEOF || state.pointee.exhausted { fieldCount = 0; return .end }
                try refill()
                continue
            }
            if state.pointee.wideScan {
                let end = scanSimpleRecord()
                if end >= 0 {
                    let recordStart = position
                    line = nextLine
                    nextLine += 1
                    bytesConsumed += end - recordStart
                    position = end
                    // A line break alone is a blank line, not a record.
                    if fieldCount == 1 && fields[0].end == recordStart { continue }
                    if end - recordStart > Self.maximumFieldBytes { try checkFieldLengths() }
                    return .record
                }
            }
            switch scanRecord() {
            case .needMore:
                if state.pointee.exhausted { fieldCount = 0; return .end }
                try refill()
            case .complete(let end, let newlines, let status):
                let recordStart = position
                line = nextLine
                nextLine += newlines
                bytesConsumed += end - position
                position = end
                // A line break alone is a blank line, not a record.
                if status == .record && fieldCount == 1 && fields[0].start == recordStart
                    && fields[0].end == recordStart && (end > recordStart || atEOF) {
                    if end == recordStart { fieldCount = 0; return .end }
                    continue
                }
                for k in 0..<fieldCount {
                    if fields[k].end - fields[k].start > Self.maximumFieldBytes {
                        throw InputError(code: .recordTooLong, file: displayName, line: line,
                                         message: "field \(k + 1) of this record is longer than \(Self.maximumFieldBytes >> 20) MiB; fields are capped at \(Self.maximumFieldBytes >> 20) MiB")
                    }
                    if fields[k].escaped { unescape(k) }
                }
                return status
            }
        }
    }

    /// Throws `recordTooLong` when a field of the current record is over the cap.
    private func checkFieldLengths() throws(InputError) {
        for k in 0..<fieldCount where fields[k].end - fields[k].start > Self.maximumFieldBytes {
            throw InputError(code: .recordTooLong, file: displayName, line: line,
                             message: "field \(k + 1) of this record is longer than \(Self.maximumFieldBytes >> 20) MiB; fields are capped at \(Self.maximumFieldBytes >> 20) MiB")
        }
    }

    /// Bitmaps for the buffer's whole 64-byte groups from `maskWords` on: at least up to
    /// word `word`, and 64 words (4 KiB) ahead, never past the filled bytes.
    @inline(never)
    private func computeMasks(through word: Int) {
        let st = state
        let fullWords = st.pointee.filled >> 6
        let from = st.pointee.maskWords
        let to = min(fullWords, max(word + 1, from + 64))
        guard to > from else { return }
        cscan_structural_masks(st.pointee.buffer + 64 * from, to - from, st.pointee.masks + from)
        st.pointee.maskWords = to
    }

    /// The wide path: a record at `position` whose fields are all unquoted and free of
    /// CR and `"`, ending in LF inside the buffer's mask-covered bytes. Sets the fields
    /// and returns the offset just past the LF, or −1 (nothing consumed) for any other
    /// record, which `scanRecord` then reads byte by byte.
    @inline(__always)
    private func scanSimpleRecord() -> Int {
        let st = state
        let buf = st.pointee.buffer
        let filled = st.pointee.filled
        var p = st.pointee.position
        var w = p >> 6
        if w >= st.pointee.maskWords {
            if w >= filled >> 6 { return -1 }
            computeMasks(through: w)
        }
        var masks = st.pointee.masks
        var m = masks[w] & (~UInt64(0) << UInt64(p & 63))
        var fields = st.pointee.fields
        var nf = 0
        while true {
            if buf[p] == 0x22 { return -1 }          // a quoted field
            while m == 0 {
                w += 1
                if w >= st.pointee.maskWords {
                    if w >= filled >> 6 { return -1 }
                    computeMasks(through: w)
                    masks = st.pointee.masks
                }
                m = masks[w]
            }
            let q = w << 6 | m.trailingZeroBitCount
            m &= m &- 1
            if nf == st.pointee.fieldCapacity {
                growFields()
                fields = st.pointee.fields
            }
            fields[nf] = FieldSpan(start: p, end: q, escaped: false)
            nf += 1
            let c = buf[q]
            if c == 0x2C {                            // ','
                p = q + 1
                if p >= filled { return -1 }
                continue
            }
            if c == 0x0A {                            // LF: the record is complete
                st.pointee.fieldCount = nf
                return q + 1
            }
            return -1                                  // CR or a quote inside a field
        }
    }

    private enum ScanOutcome {
        case needMore
        case complete(end: Int, newlines: Int, status: Status)
    }

    /// Scans one record at `position`; nothing is changed unless it is complete.
    private func scanRecord() -> ScanOutcome {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 10, cr: UInt8 = 13
        let buf = buffer
        let end = filled
        let eof = atEOF
        var p = position
        var nf = 0
        var newlines = 0
        var status = Status.record
        while true {
            if nf == fieldCapacity { growFields() }
            if p < end && buf[p] == quote {
                p += 1
                let contentStart = p
                var escaped = false
                var closed = false
                while p < end {
                    let b = buf[p]
                    if b == quote {
                        if p + 1 < end {
                            if buf[p + 1] == quote { escaped = true; p += 2; continue }
                        } else if !eof {
                            return .needMore
                        }
                        closed = true
                        break
                    } else if b == lf {
                        newlines += 1
                    } else if b == cr {
                        if p + 1 < end {
                            if buf[p + 1] != lf { newlines += 1 }
                        } else if !eof {
                            return .needMore
                        } else {
                            newlines += 1
                        }
                    }
                    p += 1
                }
                if !closed {
                    if !eof { return .needMore }
                    fields[nf] = FieldSpan(start: contentStart, end: end, escaped: escaped)
                    fieldCount = nf + 1
                    return .complete(end: end, newlines: newlines, status: .unterminatedQuote)
                }
                fields[nf] = FieldSpan(start: contentStart, end: p, escaped: escaped)
                p += 1
                if p < end, buf[p] != comma && buf[p] != lf && buf[p] != cr {
                    status = .textAfterClosingQuote
                    while p < end && buf[p] != comma && buf[p] != lf && buf[p] != cr { p += 1 }
                }
            } else {
                let s = p
                while p < end {
                    let b = buf[p]
                    if b > comma { p += 1; continue }
                    if b == comma || b == lf || b == cr { break }
                    p += 1
                }
                fields[nf] = FieldSpan(start: s, end: p, escaped: false)
            }
            nf += 1
            if p >= end {
                if !eof { return .needMore }
                fieldCount = nf
                return .complete(end: p, newlines: newlines, status: status)
            }
            let b = buf[p]
            if b == comma { p += 1; continue }
            if b == cr {
                if p + 1 < end {
                    p += buf[p + 1] == lf ? 2 : 1
                } else if !eof {
                    return .needMore
                } else {
                    p += 1
                }
            } else {
                p += 1  // LF
            }
            fieldCount = nf
            return .complete(end: p, newlines: newlines + 1, status: status)
        }
    }

    /// Replaces each `""` with `"` in field `k`, in place.
    private func unescape(_ k: Int) {
        var f = fields[k]
        var r = f.start, w = f.start
        while r < f.end {
            let b = buffer[r]
            buffer[w] = b
            r += b == UInt8(ascii: "\"") ? 2 : 1
            w += 1
        }
        f.end = w
        f.escaped = false
        fields[k] = f
    }

    private func growFields() {
        let bigger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: fieldCapacity * 2)
        bigger.moveInitialize(from: fields, count: fieldCapacity)
        fields.deallocate()
        fields = bigger
        fieldCapacity *= 2
    }

    /// First read: fills enough to see a byte-order mark and skips it.
    private func start() throws(InputError) {
        startedInput = true
        while filled < 3 && !atEOF { try refill() }
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
            bytesConsumed = 3
        }
    }

    /// Keeps the unconsumed tail, moves it to the front, and reads more after it
    /// (doubling the buffer when one record fills it).
    private func refill() throws(InputError) {
        if position > 0 {
            let tail = filled - position
            if tail > 0 { (buffer).update(from: buffer + position, count: tail) }
            filled = tail
            position = 0
        }
        state.pointee.maskWords = 0
        if filled == capacity {
            if capacity >= Self.maximumRecordBytes {
                throw InputError(code: .recordTooLong, file: displayName, line: nextLine,
                                 message: "the record starting here is longer than \(Self.maximumRecordBytes >> 20) MiB (no line break, or an unclosed quote); records are capped at \(Self.maximumRecordBytes >> 20) MiB and fields at \(Self.maximumFieldBytes >> 20) MiB")
            }
            let grown = min(capacity * 2, Self.maximumRecordBytes)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = bigger
            capacity = grown
            state.pointee.masks.deallocate()
            state.pointee.masks = .allocate(capacity: grown / 64 + 1)
        }
        let room = capacity - filled
        let n: Int
        switch source {
        case .descriptor(let fd, _):
            n = Sys.read(fd, buffer + filled, room)
            if n < 0 {
                throw InputError(code: .unreadableFile, file: displayName,
                                 message: "reading failed: \(Sys.errnoMessage())")
            }
        case .memory(let bytes, let offset):
            n = min(room, bytes.count - offset)
            if n > 0 {
                bytes.withUnsafeBufferPointer { src in
                    (buffer + filled).update(from: src.baseAddress! + offset, count: n)
                }
            }
            source = .memory(bytes, offset: offset + n)
        case .view(let bytes, let offset, let final):
            n = min(room, bytes.count - offset)
            if n > 0 { (buffer + filled).update(from: bytes.baseAddress! + offset, count: n) }
            source = .view(bytes, offset: offset + n, final: final)
            if n == 0 && !final {
                state.pointee.exhausted = true
                return
            }
        }
        if n == 0 { atEOF = true }
        took(buffer + filled, n)
        filled += n
    }
}
