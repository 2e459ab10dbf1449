/// Path arithmetic for output files, in plain Swift: Foundation's
/// `NSString.deletingLastPathComponent` traps on a one-character path such as `s` or `.`
/// (seen with `--out s`), so the commands use this instead.
public enum OutputPath {
    /// The directory an output file at `path` is created in: everything before the last
    /// `/` (trailing slashes ignored), `/` for a file in the root, `.` when there is no
    /// `/`. `"s"` → `"."`, `"."` → `"."`, `"a/b.csv"` → `"a"`, `"/x"` → `"/"`,
    /// `"a//b"` → `"a"`.
    public static func parentDirectory(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        var end = slash
        while end > 0 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }
}
