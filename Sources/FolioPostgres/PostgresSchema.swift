/// The PostgreSQL schema: the same concepts as the SQLite store's (`Schema`), versioned in
/// `folio_schema`. Migrations run in one transaction under an advisory lock, so replicas that
/// start together migrate once: the first takes the lock and migrates, the others wait for it,
/// then find the schema current. Only append.
enum PostgresSchema {
    /// `pg_advisory_xact_lock` key for migrations ("folio" in ASCII).
    static let lockKey: Int64 = 0x666F_6C69_6F

    static let migrations: [String] = [
        // 0 → 1: content, the changes log, tokens.
        """
        CREATE TABLE site (
            id integer PRIMARY KEY CHECK (id = 1),
            name text NOT NULL, url text NOT NULL, description text NOT NULL, language text NOT NULL,
            contact_email text, contact_phone text, contact_address text
        );
        CREATE TABLE authors (
            id bigserial PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            name text NOT NULL, role text, organization text, email text, phone text, bio text, image_url text,
            revision bigint NOT NULL DEFAULT 1
        );
        CREATE TABLE author_links (
            author_id bigint NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
            position integer NOT NULL,
            rel text NOT NULL, url text NOT NULL,
            PRIMARY KEY (author_id, position)
        );
        CREATE TABLE tags (
            id bigserial PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            name text NOT NULL,
            revision bigint NOT NULL DEFAULT 1
        );
        CREATE TABLE articles (
            id bigserial PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            title text NOT NULL,
            excerpt text NOT NULL,
            published_at bigint NOT NULL, published_offset integer NOT NULL,
            updated_at bigint NOT NULL, updated_offset integer NOT NULL,
            language text NOT NULL,
            canonical_url text,
            reading_time integer NOT NULL,
            word_count integer NOT NULL,
            revision bigint NOT NULL DEFAULT 1,
            status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'scheduled', 'published'))
        );
        CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
        CREATE INDEX articles_scheduled ON articles (published_at) WHERE status = 'scheduled';
        CREATE TABLE article_bodies (
            article_id bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            markdown text,
            html text NOT NULL,
            text text NOT NULL
        );
        CREATE TABLE article_authors (
            article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position integer NOT NULL,
            author_id bigint NOT NULL REFERENCES authors(id) ON DELETE RESTRICT,
            PRIMARY KEY (article_id, position),
            UNIQUE (article_id, author_id)
        );
        CREATE INDEX article_authors_author ON article_authors (author_id);
        CREATE TABLE article_tags (
            article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position integer NOT NULL,
            tag_id bigint NOT NULL REFERENCES tags(id) ON DELETE RESTRICT,
            PRIMARY KEY (article_id, position),
            UNIQUE (article_id, tag_id)
        );
        CREATE INDEX article_tags_tag ON article_tags (tag_id);
        CREATE TABLE slug_history (
            old_slug text PRIMARY KEY,
            article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE TABLE changes (
            seq bigserial PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('article', 'author', 'tag', 'site')),
            entity_id bigint NOT NULL,
            slug text NOT NULL,
            op text NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            actor text NOT NULL,
            at bigint NOT NULL,
            public boolean NOT NULL DEFAULT true
        );
        CREATE TABLE tokens (
            name text PRIMARY KEY,
            scope text NOT NULL CHECK (scope IN ('content:write', 'content:read-drafts', 'admin')),
            hash text NOT NULL UNIQUE,
            created_at bigint NOT NULL,
            last_used_at bigint,
            revoked_at bigint
        );
        """,
        // 1 → 2: full-text search. `folio_english`: English stemming over unaccented words (so
        // "Turkiye" finds "Türkiye", "elections" finds "election"), as the SQLite index's porter
        // and remove_diacritics do. One weighted document per published article (title A,
        // excerpt B, text D) behind a GIN index, kept by the writer in the write's transaction.
        """
        CREATE EXTENSION IF NOT EXISTS unaccent;
        CREATE TEXT SEARCH CONFIGURATION folio_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION folio_english
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        CREATE TABLE article_search (
            article_id bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            document tsvector NOT NULL,
            length integer NOT NULL  -- words in title, excerpt and text (BM25's document length)
        );
        CREATE INDEX article_search_document ON article_search USING gin (document);
        INSERT INTO article_search (article_id, document, length)
            SELECT a.id, setweight(to_tsvector('folio_english', a.title), 'A') || setweight(to_tsvector('folio_english', a.excerpt), 'B')
                || setweight(to_tsvector('folio_english', b.text), 'D'),
                coalesce(array_length(regexp_split_to_array(trim(a.title || ' ' || a.excerpt || ' ' || b.text), '\\s+'), 1), 0)
            FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.status = 'published';
        """,
    ]

    static var currentVersion: Int { migrations.count }

    /// Applies missing migrations under the advisory lock; refuses a database from a newer Folio.
    static func migrate(_ db: PostgresConnection) throws {
        try db.transaction {
            try db.query("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
            try db.execute("CREATE TABLE IF NOT EXISTS folio_schema (version integer NOT NULL)")
            let rows = try db.query("SELECT version FROM folio_schema")
            let version = rows.isEmpty ? 0 : rows.int(0, 0)
            if rows.isEmpty { try db.query("INSERT INTO folio_schema (version) VALUES (0)") }
            if version > currentVersion {
                throw PostgresError(message: "the database has schema version \(version); this Folio knows up to \(currentVersion)", sqlState: nil)
            }
            for v in version..<currentVersion { try db.execute(migrations[v]) }
            try db.query("UPDATE folio_schema SET version = $1", [.int(Int64(currentVersion))])
        }
    }
}
