#if canImport(Glibc)
import Glibc
#endif

// Fuzz target (c): the raw CSV record reader, the number parser and the date parser.
// - records: the same records whatever the chunk size;
// - numbers: a value the parser accepts is the one strtod gives for the same text;
// - dates: a parsed date formats back to the same ten bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCells(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzCheck(fuzzRecords(bytes, chunkSize: 1 << 20) == fuzzRecords(bytes, chunkSize: 5), "chunk size changed the records")
    fuzzCheckNumber(bytes)
    fuzzCheckDate(bytes)
    return 0
}

/// Every record as (line, status, fields).
func fuzzRecords(_ bytes: [UInt8], chunkSize: Int) -> [String] {
    let reader = CSVReader(bytes: bytes, name: "fuzz.csv", chunkSize: chunkSize)
    var out: [String] = []
    while true {
        let status = try! reader.next()
        if status == .end { return out }
        var fields: [[UInt8]] = []
        for i in 0..<reader.fieldCount { fields.append(Array(reader.field(i))) }
        out.append("\(reader.line) \(status) \(fields)")
    }
}

func fuzzCheckNumber(_ bytes: [UInt8]) {
    let parsed = bytes.withUnsafeBufferPointer { NumberParser.parse($0) }
    guard case .value(let v) = parsed else { return }
    fuzzCheck(v.isFinite, "parse gave \(v)")
    // Independent reference: glibc strtod over the trimmed text (correctly rounded).
    var text = bytes
    while let f = text.first, f == 0x20 || f == 0x09 { text.removeFirst() }
    while let l = text.last, l == 0x20 || l == 0x09 { text.removeLast() }
    text.append(0)
    let reference = text.withUnsafeBufferPointer { buf in
        buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { strtod($0, nil) }
    }
    fuzzCheck(v.bitPattern == reference.bitPattern || (v == 0 && reference == 0),
          "parse gave \(v), strtod \(reference) for \(String(decoding: bytes, as: UTF8.self))")
}

func fuzzCheckDate(_ bytes: [UInt8]) {
    guard let day = CalendarDay.parse(bytes) else { return }
    fuzzCheck(Array(CalendarDay.format(day).utf8) == bytes, "date \(String(decoding: bytes, as: UTF8.self)) formats back differently")
    let (y, m, d) = CalendarDay.civil(day)
    fuzzCheck(CalendarDay.dayNumber(year: y, month: m, day: d) == day, "civil/dayNumber round trip failed")
}
