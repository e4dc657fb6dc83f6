/// The store's schema, versioned with `PRAGMA user_version`. Each entry of
/// `migrations` moves the schema from version `index` to `index + 1`;
/// `migrate` applies the missing ones in one transaction. Only append.
enum Schema {
    static let migrations: [String] = [
        // 0 → 1: the initial schema.
        """
        CREATE TABLE site (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL, url TEXT NOT NULL, description TEXT NOT NULL, language TEXT NOT NULL,
            contact_email TEXT, contact_phone TEXT, contact_address TEXT
        );
        CREATE TABLE authors (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL, role TEXT, organization TEXT, email TEXT, phone TEXT, bio TEXT, image_url TEXT
        );
        CREATE TABLE author_links (
            author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            rel TEXT NOT NULL, url TEXT NOT NULL,
            PRIMARY KEY (author_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL
        );
        -- Metadata only, so loading a snapshot scans a compact table; bodies live in article_bodies.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            published_at INTEGER NOT NULL, published_offset INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, updated_offset INTEGER NOT NULL,
            language TEXT NOT NULL,
            canonical_url TEXT,
            reading_time INTEGER NOT NULL,
            word_count INTEGER NOT NULL
        );
        CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
        CREATE TABLE article_bodies (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            markdown TEXT,          -- NULL when the article was supplied as HTML
            html TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE article_authors (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE RESTRICT,
            PRIMARY KEY (article_id, position),
            UNIQUE (article_id, author_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_authors_author ON article_authors (author_id);
        CREATE TABLE article_tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE RESTRICT,
            PRIMARY KEY (article_id, position),
            UNIQUE (article_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_tags_tag ON article_tags (tag_id);
        CREATE TABLE slug_history (
            old_slug TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX slug_history_article ON slug_history (article_id);
        -- Full-text index over title, excerpt and text. External content (a view
        -- over articles + article_bodies), so the text is stored once; the store
        -- keeps it in step in the same transaction as every write.
        CREATE VIEW article_search_source AS
            SELECT a.id AS id, a.title AS title, a.excerpt AS excerpt, b.text AS text
            FROM articles a JOIN article_bodies b ON b.article_id = a.id;
        CREATE VIRTUAL TABLE article_search USING fts5(
            title, excerpt, text,
            content = 'article_search_source', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        """,
        // 1 → 2: a prefix index for three-character prefixes (the shortest a search may use,
        // `search.min_prefix_length`). Without it `con*` merges the lists of every token that
        // starts with "con" inside one SQLite step, which no CPU budget can interrupt (60 ms
        // and more on 500 articles); with it, that prefix is one list like a word.
        """
        DROP TABLE article_search;
        CREATE VIRTUAL TABLE article_search USING fts5(
            title, excerpt, text,
            content = 'article_search_source', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2',
            prefix = '3'
        );
        INSERT INTO article_search(article_search) VALUES('rebuild');
        """,
        // 2 → 3: writes over HTTP. A revision per article, author and tag (bumped by every write,
        // for If-Match); the changes log every write appends to in its transaction (the
        // snapshot, other processes and the public changes feed follow it); API tokens, stored
        // as SHA-256 hashes only.
        """
        ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE authors ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE tags ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('article', 'author', 'tag', 'site')),
            entity_id INTEGER NOT NULL,
            slug TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            actor TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE TABLE tokens (
            name TEXT PRIMARY KEY,
            scope TEXT NOT NULL CHECK (scope IN ('content:write', 'content:read-drafts', 'admin')),
            hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER,
            revoked_at INTEGER
        ) WITHOUT ROWID;
        """,
        // 3 → 4: Idempotency-Key answers, stored in the transaction of the write they answer.
        """
        CREATE TABLE idempotency_keys (
            token TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            location TEXT,
            etag TEXT,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (token, key)
        ) WITHOUT ROWID;
        CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
        """,
        // 4 → 5: drafts and scheduled articles. Only published articles are in the snapshot, the
        // full-text index (its content view) and the public changes feed; `public` marks the
        // changes the public feed shows (a draft's are not; unpublishing shows as a delete).
        """
        ALTER TABLE articles ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
            CHECK (status IN ('draft', 'scheduled', 'published'));
        CREATE INDEX articles_scheduled ON articles (published_at) WHERE status = 'scheduled';
        ALTER TABLE changes ADD COLUMN public INTEGER NOT NULL DEFAULT 1;
        DROP VIEW article_search_source;
        CREATE VIEW article_search_source AS
            SELECT a.id AS id, a.title AS title, a.excerpt AS excerpt, b.text AS text
            FROM articles a JOIN article_bodies b ON b.article_id = a.id
            WHERE a.status = 'published';
        """,
        // 5 → 6: revisions. Each write of an article keeps the version it replaces (its fields as
        // the export document has them); who wrote each version and when is on the article.
        """
        ALTER TABLE articles ADD COLUMN revised_at INTEGER;
        ALTER TABLE articles ADD COLUMN revised_by TEXT;
        CREATE TABLE article_revisions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            status TEXT NOT NULL,
            title TEXT NOT NULL,
            revised_at INTEGER,
            revised_by TEXT,
            document TEXT NOT NULL,
            PRIMARY KEY (article_id, revision)
        );
        """,
        // 6 → 7: preview links. Only the SHA-256 of a link's secret is stored; a link dies when
        // it expires, when its article is published, or with its article.
        """
        CREATE TABLE preview_links (
            hash TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            created_by TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX preview_links_article ON preview_links (article_id);
        """,
        // 7 → 8: webhooks. Endpoints with their signing secrets, and the outbox: one delivery per
        // change and endpoint, written in the transaction of the change, posted after the commit
        // by a worker. Times in milliseconds. `entity` orders deliveries: one endpoint gets the
        // changes of one article (author, tag) in the order they were made.
        """
        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            message_id TEXT NOT NULL UNIQUE,
            event TEXT NOT NULL,
            entity TEXT NOT NULL,
            seq INTEGER NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER,
            last_status INTEGER,
            last_error TEXT,
            finished_at INTEGER
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, entity, id) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE state != 'pending';
        """,
        // 8 → 9: bodies rendered by cmark-gfm (`dataMigrations` re-renders them).
        "",
        // 9 → 10: bodies stored as served (issue 15): html and text as one deflated blob of
        // escaped JSON members (`ServedBody`), the Markdown source deflated (`StoredMarkdown`);
        // the full-text index reads the text through `folio_body_text`. `BodyConversion` moves
        // the rows over from the renamed old table and drops it.
        """
        DROP VIEW article_search_source;
        ALTER TABLE article_bodies RENAME TO article_bodies_v9;
        CREATE TABLE article_bodies (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            served BLOB NOT NULL,
            markdown BLOB           -- NULL when the article was supplied as HTML
        );
        CREATE VIEW article_search_source AS
            SELECT a.id AS id, a.title AS title, a.excerpt AS excerpt, folio_body_text(b.served) AS text
            FROM articles a JOIN article_bodies b ON b.article_id = a.id
            WHERE a.status = 'published';
        """,
    ]

    /// Work a migration does beyond its SQL, run right after it in the same transaction.
    static let dataMigrations: [Int: @Sendable (SQLiteConnection) throws -> Void] = [
        8: { db in _ = try BodyRerender.run(db) },
        9: { db in _ = try BodyConversion.run(db) },
    ]

    /// The version a fully migrated file has.
    static var currentVersion: Int { migrations.count }

    /// Applies missing migrations (up to `target`, which only tests set). Refuses a file from a
    /// newer Folio.
    static func migrate(_ db: SQLiteConnection, upTo target: Int = currentVersion) throws {
        let version = Int(try db.scalarInt("PRAGMA user_version"))
        if version > currentVersion {
            throw SQLiteError(code: 1, message: "\(db.path) has schema version \(version); this Folio knows up to \(currentVersion)")
        }
        guard version < target else { return }
        try db.transaction {
            for v in version..<target {
                if !migrations[v].isEmpty { try db.execute(migrations[v]) }
                // On a store created here the tables are empty, and a conversion only tidies up.
                if let data = dataMigrations[v] { try data(db) }
            }
            try db.execute("PRAGMA user_version = \(target)")
        }
    }
}
