import Dispatch

/// How the parallel reader cuts its input. Results never depend on these numbers (nor on
/// the core count): pieces are merged in file order and a piece whose presumed start was
/// not a record boundary is parsed again. Tests make them tiny to exercise every seam.
public struct ParallelReadLayout: Sendable {
    /// Bytes read from the file per block (a block is parsed, then merged, then the
    /// next one is read). It grows only when one record is longer than a block.
    public var blockSize = 32 << 20
    /// Pieces each block is cut into; they are parsed concurrently, several per core so
    /// that uneven pieces still keep every core busy.
    public var piecesPerBlock = 16
    /// Extra bytes a piece's reader copies past its piece at first, for the record that
    /// straddles the cut (it copies more when that record is longer).
    public var overlap = 64 << 10

    public static let standard = ParallelReadLayout()

    public init(blockSize: Int = 32 << 20, piecesPerBlock: Int = 16, overlap: Int = 64 << 10) {
        self.blockSize = blockSize
        self.piecesPerBlock = piecesPerBlock
        self.overlap = overlap
    }
}

/// A value handed to the concurrent pieces that the compiler cannot prove safe to share:
/// each use below is audited (read-only while the pieces run, or one slot per piece).
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
}

/// What one piece of a block produced.
struct PieceOutcome<Result> {
    /// Byte offset in the block where the piece's first record starts.
    var start: Int
    /// Byte offset where its reading stopped: the start of the first record at or after
    /// the next piece's presumed start, or of a record the block cuts off.
    var end: Int
    /// Line breaks consumed (records and blank lines), i.e. the next piece's first line
    /// relative to this one's.
    var lines: Int
    /// True when the block ended inside the record at `end` (not the end of the input).
    var exhausted: Bool
    var result: Result
}

/// Parses the rest of `reader`'s input (after the records it has returned, e.g. the
/// header) in blocks, each cut at line breaks into pieces that `parse` turns into results
/// concurrently; `merge` then receives every piece's result in file order with the line
/// number (1-based, as `CSVReader.line`) its relative lines start from.
///
/// `parse` gets a view reader whose lines count from 0 and whose `displayName` is the
/// file's; it must read records until `.end`. A piece presumed to start at a line break
/// that the previous piece's records ran past (a quoted field holding line breaks) is
/// parsed again from where that piece really ended, so records, lines and rejects are
/// exactly those of one sequential pass.
/// When `reader` fingerprints its input, each block's new bytes are hashed by one more
/// concurrent task while the pieces parse that same block (the bytes stay in cache and
/// the hash costs the read no wall time while another core is free); SHA-256 stays
/// sequential over the blocks, so the digest is that of the whole input.
/// - Complexity: O(bytes) work over all cores, plus one copy of each byte into a piece
///   reader's buffer; memory one block, the pieces' buffers (about one more block) and
///   their results.
public func readPieces<Result>(of reader: CSVReader, layout: ParallelReadLayout = .standard,
                        parse: @escaping (CSVReader) throws(InputError) -> Result,
                        merge: (Result, _ firstLine: Int) throws(InputError) -> Void) throws(InputError) {
    var capacity = max(16, layout.blockSize)
    var block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    defer { block.deallocate() }
    var carried = 0                       // bytes [0, carried) came over from the last block
    var line = reader.nextRecordLine      // line where byte 0 of the block starts
    var atEnd = false
    let name = reader.displayName
    let parseBox = UncheckedSendable(value: parse)

    while !atEnd || carried > 0 {
        if carried == capacity {
            if capacity >= CSVReader.maximumRecordBytes {
                throw InputError(code: .recordTooLong, file: name, line: line,
                                 message: "the record starting here is longer than \(CSVReader.maximumRecordBytes >> 20) MiB (no line break, or an unclosed quote); records are capped at \(CSVReader.maximumRecordBytes >> 20) MiB")
            }
            // One record is longer than a block: double it.
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: block, count: carried)
            block.deallocate()
            block = bigger
            capacity *= 2
        }
        var filled = carried
        var unhashed = carried             // bytes [unhashed, filled) are new from the source
        while !atEnd && filled < capacity {
            let (n, hashed) = try reader.readRemainingBytes(into: block + filled, capacity: capacity - filled, hash: false)
            if n == 0 { atEnd = true }
            filled += n
            if hashed { unhashed = filled }   // the reader's own buffered bytes, hashed already
        }
        if filled == 0 { break }
        // They are hashed beside the pieces (task 0 below).
        let fresh = UncheckedSendable(value: (reader, UnsafeBufferPointer(start: UnsafePointer(block + unhashed),
                                                                          count: filled - unhashed)))
        let hashing = reader.isFingerprinting && filled > unhashed

        // Presumed starts: just after the first LF at or after each even cut.
        let count = max(1, min(layout.piecesPerBlock, filled / 64))
        var starts = [Int](repeating: filled, count: count + 1)
        starts[0] = 0
        for k in 1..<count {
            var p = max(starts[k - 1], filled * k / count)
            while p < filled && block[p] != 10 { p += 1 }
            starts[k] = min(filled, p + 1)
        }
        let bytes = UnsafeBufferPointer(start: UnsafePointer(block), count: filled)
        let final = atEnd, blockEnd = filled
        func runPiece(from start: Int, to stop: Int) -> Swift.Result<PieceOutcome<Result>, InputError> {
            let view = UnsafeBufferPointer(rebasing: bytes[start...])
            let limit = stop >= blockEnd ? Int.max : stop - start
            let chunk = max(16, min(view.count, stop - start + layout.overlap))
            let piece = CSVReader(view: view, final: final, name: name, firstLine: 0, stopOffset: limit,
                                  chunkSize: chunk)
            do throws(InputError) {
                let result = try parseBox.value(piece)
                return .success(PieceOutcome(start: start, end: start + piece.bytesConsumed,
                                             lines: piece.nextRecordLine, exhausted: piece.exhausted,
                                             result: result))
            } catch {
                return .failure(error)
            }
        }
        let outcomes = UnsafeMutablePointer<Swift.Result<PieceOutcome<Result>, InputError>?>.allocate(capacity: count)
        outcomes.initialize(repeating: nil, count: count)
        defer {
            outcomes.deinitialize(count: count)
            outcomes.deallocate()
        }
        let slots = UncheckedSendable(value: outcomes)
        let startsBox = UncheckedSendable(value: starts)
        let run = UncheckedSendable(value: runPiece)
        if count == 1 && !hashing {
            outcomes[0] = runPiece(from: 0, to: filled)
        } else {
            // Task 0 hashes (when fingerprinting), so it starts first and never trails.
            let first = hashing ? 0 : 1
            DispatchQueue.concurrentPerform(iterations: count + 1 - first) { i in
                let k = i + first - 1
                if k < 0 {
                    fresh.value.0.hashTaken(fresh.value.1)
                    return
                }
                let s = startsBox.value
                slots.value[k] = run.value(s[k], s[k + 1])
            }
        }

        // Merge in order; re-parse a piece whose presumed start was not a record start.
        var cursor = 0
        var cutOff = false
        for k in 0..<count {
            var result = outcomes[k]!
            if case .success(let o) = result, o.start == cursor {} else {
                // A presumed start that was not a record start, or a failed piece: parse
                // again from the true start, so an error's line counts from `line`.
                result = runPiece(from: cursor, to: max(cursor, starts[k + 1]))
            }
            let outcome: PieceOutcome<Result>
            switch result {
            case .success(let o): outcome = o
            case .failure(var error):
                if let relative = error.line { error.line = line + relative }
                throw error
            }
            try merge(outcome.result, line)
            line += outcome.lines
            cursor = outcome.end
            if outcome.exhausted {
                cutOff = true
                break
            }
        }
        precondition(cursor == filled || (cutOff && !final), "parallel reader: pieces did not cover the block")
        // Carry the unfinished record (if any) to the front of the next block.
        carried = filled - cursor
        if carried > 0 && cursor > 0 { block.update(from: block + cursor, count: carried) }
    }
}
