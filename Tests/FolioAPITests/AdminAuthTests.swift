import FolioContent
import FolioHTTP
import Testing
@testable import FolioAPI

/// The write guard without sockets: plaintext from afar, scopes, revoked tokens, loopback forms.
@Suite struct AdminAuthTests {
    static func request(from peer: PeerAddress, token: String?) -> HTTPRequest {
        var r = HTTPRequest(method: .post, target: "/api/v1/articles", headers: token.map { [("Authorization", "Bearer " + $0)] } ?? [])
        r.peer = peer
        return r
    }

    @Test func loopbackForms() {
        #expect(PeerAddress(bytes: [127, 0, 0, 1], isIPv6: false).isLoopback)
        #expect(PeerAddress(bytes: [127, 9, 9, 9], isIPv6: false).isLoopback)
        #expect(!PeerAddress(bytes: [10, 0, 0, 1], isIPv6: false).isLoopback)
        #expect(PeerAddress(bytes: Array(repeating: 0, count: 15) + [1], isIPv6: true).isLoopback)
        #expect(PeerAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1], isIPv6: true).isLoopback)
        #expect(!PeerAddress(bytes: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], isIPv6: true).isLoopback)
        #expect(PeerAddress(bytes: [192, 0, 2, 7], isIPv6: false).description == "192.0.2.7")
    }

    @Test func plaintextFromAfarIsRefusedUnlessAllowed() throws {
        let folder = TempFolder()
        let store = try SQLiteStore(path: folder.file("a.sqlite"))
        let token = APIToken.generate()
        try store.createToken(name: "editor", scope: "content:write", hash: APIToken.hash(token), at: 0)
        let afar = PeerAddress(bytes: [203, 0, 113, 5], isIPv6: false)
        let local = PeerAddress(bytes: [127, 0, 0, 1], isIPv6: false)

        let strict = AdminAuth(store: store, settings: AdminSettings())
        guard case .failure(let e) = strict.authorize(Self.request(from: afar, token: token), scope: "content:write") else {
            Issue.record("a plaintext write from afar was let through"); return
        }
        #expect(e.status == 403 && e.detail.contains("admin.allow_plaintext"))
        guard case .success(let t) = strict.authorize(Self.request(from: local, token: token), scope: "content:write") else {
            Issue.record("loopback refused"); return
        }
        #expect(t.name == "editor")
        guard case .failure(let scope) = strict.authorize(Self.request(from: local, token: token), scope: "admin") else {
            Issue.record("scope ignored"); return
        }
        #expect(scope.status == 403)

        var settings = AdminSettings()
        settings.allowPlaintext = true
        guard case .success = AdminAuth(store: store, settings: settings).authorize(Self.request(from: afar, token: token), scope: "content:write") else {
            Issue.record("allow_plaintext ignored"); return
        }
        #expect(try store.revokeToken(name: "editor", at: 1))
        guard case .failure(let revoked) = strict.authorize(Self.request(from: local, token: token), scope: "content:write") else {
            Issue.record("a revoked token was accepted"); return
        }
        #expect(revoked.status == 401)
        #expect(APIToken.constantTimeEqual("abc", "abc") && !APIToken.constantTimeEqual("abc", "abd") && !APIToken.constantTimeEqual("a", "ab"))
    }
}
