import CSQLite

/// `folio_body_text(served)` in SQL: the plain text of a stored body (`ServedBody`). The
/// full-text index's source view reads the text through it (for snippets, and for the old values
/// a 'delete' needs), so the text is not stored a second time. Registered on every connection
/// this process opens; the sqlite3 shell does not have it, so there the index can be matched but
/// not asked for snippets.
enum BodyTextFunction {
    static func register(on db: OpaquePointer) {
        sqlite3_create_function_v2(db, "folio_body_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, argc, argv in
            guard argc == 1, let arg = argv?[0], sqlite3_value_type(arg) == SQLITE_BLOB else {
                sqlite3_result_null(context)
                return
            }
            let n = Int(sqlite3_value_bytes(arg))
            let blob = sqlite3_value_blob(arg).map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
            guard let body = ServedBody(stored: blob), let text = try? body.text() else {
                sqlite3_result_error(context, "folio_body_text: not a stored body", -1)
                return
            }
            var t = text
            t.withUTF8 { buf in
                sqlite3_result_text(context, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(buf.count),
                                    unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }, nil, nil, nil)
    }
}
