import ArgumentParser
import FolioHTTP
import Foundation

/// `folio cert --self-signed --host NAME`: a development certificate and key, so that HTTPS can
/// be tried in one command (`folio serve --tls-cert … --tls-key …`).
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Write a self-signed certificate and key for trying HTTPS.",
        discussion: "The certificate (ECDSA P-256, SHA-256) names HOST in subjectAltName; for localhost it also names "
            + "127.0.0.1 and ::1. As mkcert does, a one-off authority signs it and its key is thrown away; the "
            + "certificate file holds both certificates, and clients trust that file (curl --cacert CERT). Not for "
            + "production: use a certificate from a CA (Let's Encrypt) there.")

    @Flag(name: .customLong("self-signed"), help: "Make a self-signed certificate (the only kind this command makes).") var selfSigned = false
    @Option(help: "The host name or address the certificate is for.") var host = "localhost"
    @Option(help: "Where to write the certificate (PEM).") var cert = "folio-cert.pem"
    @Option(help: "Where to write the private key (PEM, mode 0600).") var key = "folio-key.pem"
    @Option(help: "Days the certificate is valid.") var days = 90

    func validate() throws {
        guard selfSigned else { throw ValidationError("only --self-signed certificates are made here; a CA issues the others") }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be in 1...3650") }
        guard !host.isEmpty, host.utf8.count <= 253,
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:".contains($0)) }) else {
            throw ValidationError("--host must be a host name or an IP address")
        }
    }

    func run() throws {
        do {
            try TLSContext.writeSelfSigned(host: host, days: days, certificate: cert, key: key)
        } catch {
            throw RunFailure(error.description)
        }
        print("wrote \(cert) and \(key) for \(host), valid \(days) days (signed by a one-off development authority whose key was not kept; trust \(cert))")
        print("try: folio serve --tls-cert \(cert) --tls-key \(key)   then   curl --cacert \(cert) https://\(host.contains(":") ? "[\(host)]" : host):8443/api/v1/articles")
    }
}
