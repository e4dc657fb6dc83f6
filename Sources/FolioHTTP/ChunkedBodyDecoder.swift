/// An incremental decoder for the chunked transfer coding (RFC 9112 §7.1): feed it bytes as they
/// arrive, it appends the payload to `body`, and says how many input bytes it consumed.
/// Chunk extensions are length-limited and discarded; trailer fields are checked and discarded.
public struct ChunkedBodyDecoder: Sendable {
    enum State: Sendable, Equatable {
        case size(digits: Int, value: Int)
        /// Whitespace after the size: only more of it or ";" may follow (BWS, RFC 9112 §7.1.1).
        case sizeBWS(value: Int, length: Int)
        case extensionBytes(value: Int, length: Int, inQuote: Bool)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart(total: Int)
        case trailerName(total: Int)
        case trailerValue(total: Int)
        case trailerLF(total: Int, empty: Bool)
        case done
    }

    /// What one call to `decode` achieved.
    public enum Progress: Sendable, Equatable {
        case needMore(consumed: Int)
        case done(consumed: Int)
        case failure(HTTPParseError)
    }

    var state: State = .size(digits: 0, value: 0)
    var lineIsEmpty = true

    public init() {}

    public mutating func decode(_ input: UnsafeRawBufferPointer, into body: inout [UInt8], limits: HTTPLimits) -> Progress {
        if state == .done { return .done(consumed: 0) }
        var i = 0
        let n = input.count
        while i < n {
            let b = input[i]
            switch state {
            case .size(let digits, let value):
                if let h = ByteClass.hexValue(b) {
                    guard digits < 15 else { return .failure(.badChunkSize) }
                    state = .size(digits: digits + 1, value: value << 4 | Int(h))
                } else if digits == 0 {
                    return .failure(.badChunkSize)
                } else if b == 0x3B {
                    state = .extensionBytes(value: value, length: 0, inQuote: false)
                } else if b == 0x20 || b == 0x09 {
                    state = .sizeBWS(value: value, length: 1)
                } else if b == 0x0D {
                    state = .sizeLF(value: value)
                } else {
                    return .failure(.badChunkSize)
                }
                i += 1
            case .sizeBWS(let value, let length):
                if b == 0x3B {
                    state = .extensionBytes(value: value, length: length, inQuote: false)
                } else {
                    // Whitespace that ends the line ("5 \r\n") is not in the grammar: refused.
                    guard b == 0x20 || b == 0x09 else { return .failure(.badChunkSize) }
                    guard length < limits.maxChunkExtensionBytes else { return .failure(.chunkExtensionTooLong) }
                    state = .sizeBWS(value: value, length: length + 1)
                }
                i += 1
            case .extensionBytes(let value, let length, let inQuote):
                if b == 0x0D, !inQuote {
                    state = .sizeLF(value: value)
                } else {
                    guard ByteClass.isFieldValue(b) else { return .failure(.badChunkExtension) }
                    guard length < limits.maxChunkExtensionBytes else { return .failure(.chunkExtensionTooLong) }
                    state = .extensionBytes(value: value, length: length + 1, inQuote: b == 0x22 ? !inQuote : inQuote)
                }
                i += 1
            case .sizeLF(let value):
                guard b == 0x0A else { return .failure(.badChunkSize) }
                i += 1
                if value == 0 {
                    state = .trailerLineStart(total: 0)
                } else {
                    guard body.count + value <= limits.maxBodyBytes else { return .failure(.bodyTooLarge) }
                    state = .data(remaining: value)
                }
            case .data(let remaining):
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[i..<(i + take)]))
                i += take
                state = remaining == take ? .dataCR : .data(remaining: remaining - take)
            case .dataCR:
                guard b == 0x0D else { return .failure(.badChunkTerminator) }
                state = .dataLF
                i += 1
            case .dataLF:
                guard b == 0x0A else { return .failure(.badChunkTerminator) }
                state = .size(digits: 0, value: 0)
                i += 1
            case .trailerLineStart(let total):
                if b == 0x0D {
                    state = .trailerLF(total: total, empty: true)
                } else {
                    // A trailer field: token ":" value, the same rules as header fields.
                    guard ByteClass.isToken(b) else { return .failure(b == 0x20 || b == 0x09 ? .obsFold : .badFieldName) }
                    state = .trailerName(total: total + 1)
                }
                i += 1
            case .trailerName(let total):
                guard total < limits.maxHeaderBytes else { return .failure(.trailerTooLarge) }
                if b == 0x3A {
                    state = .trailerValue(total: total + 1)
                } else {
                    guard ByteClass.isToken(b) else {
                        return .failure(b == 0x20 || b == 0x09 ? .spaceBeforeColon : .badFieldName)
                    }
                    state = .trailerName(total: total + 1)
                }
                i += 1
            case .trailerValue(let total):
                guard total < limits.maxHeaderBytes else { return .failure(.trailerTooLarge) }
                if b == 0x0D {
                    state = .trailerLF(total: total + 1, empty: false)
                } else {
                    guard ByteClass.isFieldValue(b) else { return .failure(b == 0x0A ? .bareLF : .badFieldValue) }
                    state = .trailerValue(total: total + 1)
                }
                i += 1
            case .trailerLF(let total, let empty):
                guard b == 0x0A else { return .failure(.bareCR) }
                i += 1
                if empty {
                    state = .done
                    return .done(consumed: i)
                }
                state = .trailerLineStart(total: total + 1)
            case .done:
                return .done(consumed: i)
            }
        }
        return .needMore(consumed: i)
    }
}
