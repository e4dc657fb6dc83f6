/// The shape of an FTS5 index: how many segments each level holds and whether a merge is under
/// way, decoded from FTS5's structure record (row 10 of `<table>_data`; format in SQLite's
/// ext/fts5/fts5_index.c: a 4-byte cookie, an optional "structure v2" marker, then varints for
/// the levels, their segments and each segment's pages). What `SearchIndexMerger` needs to know
/// whether merging is due, without asking FTS5 to do work to find out.
struct IndexStructure: Equatable {
    struct Level: Equatable {
        /// Segments of this level that an incremental merge has started on.
        var merging: Int
        /// Leaf pages of each segment.
        var segmentPages: [Int]
    }

    var levels: [Level]

    var segmentCount: Int { levels.reduce(0) { $0 + $1.segmentPages.count } }

    /// Whether a merge is under way, or some level holds at least `segments` segments.
    func needsMerge(atLeast segments: Int) -> Bool {
        levels.contains { $0.merging > 0 || $0.segmentPages.count >= segments }
    }

    /// Decodes a structure record; nil when it is not one this code understands.
    init?(record: [UInt8]) {
        var i = 4
        func varint() -> Int? {
            var value: UInt64 = 0
            for k in 0..<9 {
                guard i < record.count else { return nil }
                let byte = record[i]
                i += 1
                if k == 8 { return Int(truncatingIfNeeded: (value << 8) | UInt64(byte)) }
                value = (value << 7) | UInt64(byte & 0x7f)
                if byte & 0x80 == 0 { return Int(truncatingIfNeeded: value) }
            }
            return nil
        }
        guard record.count >= 4 else { return nil }
        // SQLite 3.44 and later mark a "v2" record with FF 00 00 01 and add five varints per segment.
        let v2 = record.count >= 8 && Array(record[4..<8]) == [0xff, 0x00, 0x00, 0x01]
        if v2 { i = 8 }
        guard let levelCount = varint(), levelCount <= 64, varint() != nil, varint() != nil else { return nil }
        if v2 { guard varint() != nil else { return nil } }  // the origin counter
        var levels: [Level] = []
        for _ in 0..<levelCount {
            guard let merging = varint(), let count = varint(), count <= 2_000 else { return nil }
            var pages: [Int] = []
            for _ in 0..<count {
                guard varint() != nil, let first = varint(), let last = varint() else { return nil }
                if v2 { for _ in 0..<5 { guard varint() != nil else { return nil } } }
                pages.append(last - first + 1)
            }
            levels.append(Level(merging: merging, segmentPages: pages))
        }
        self.levels = levels
    }

    init(levels: [Level]) { self.levels = levels }
}
