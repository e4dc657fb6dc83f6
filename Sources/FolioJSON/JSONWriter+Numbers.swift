extension JSONWriter {
    /// Writes an integer in decimal.
    public mutating func int(_ value: Int) {
        int64(Int64(value))
    }

    /// Writes an integer in decimal.
    public mutating func int64(_ value: Int64) {
        beginValue()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        appendDecimal(value.magnitude)
    }

    /// Writes a number in the shortest form that reads back as the same
    /// `Double` (Swift's `description`, e.g. `0.1`, `1.0`, `1e+300`, `-0.0`).
    /// NaN and the infinities have no JSON form and are written as `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            null()
            return
        }
        beginValue()
        // `Double.write(to:)` formats into a stack buffer and hands the ASCII
        // to the stream; lend it our buffer so nothing is allocated.
        var sink = ByteSink()
        swap(&sink.bytes, &bytes)
        value.write(to: &sink)
        swap(&sink.bytes, &bytes)
    }

    private mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value))
            return
        }
        // UInt64.max has 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}

/// A text stream that appends to a byte array; used to format doubles.
struct ByteSink: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    // The standard library's number formatting writes through this
    // requirement when the stream provides it, skipping the `String`.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
