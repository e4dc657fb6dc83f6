#include "CFolioTLS.h"
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put_error(char *error, size_t size, const char *what, const char *file) {
    char detail[256] = "";
    unsigned long code = ERR_get_error();
    if (code) ERR_error_string_n(code, detail, sizeof detail);
    else if (errno) snprintf(detail, sizeof detail, "%s", strerror(errno));
    snprintf(error, size, "%s %s: %s", what, file, detail);
    ERR_clear_error();
}

/* ALPN: HTTP/1.1 is all this server speaks; a client that offers only other protocols is refused
   (RFC 7301 §3.2, no_application_protocol). */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    static const unsigned char ours[] = "\x08http/1.1";
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, ours, sizeof ours - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

/* Whether the kernel offers kernel TLS (the "tls" upper-layer protocol is available). Asked
   once: OpenSSL would otherwise try setsockopt(TCP_ULP) and fail twice on every connection. */
int folio_tls_kernel_offered(void) {
    static int offered = -1;
    if (offered >= 0) return offered;
    offered = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "r");
    if (f) {
        char word[64];
        while (fscanf(f, "%63s", word) == 1) if (strcmp(word, "tls") == 0) offered = 1;
        fclose(f);
    }
    return offered;
}

SSL_CTX *folio_tls_context_new(const char *certificate, const char *key, char *error, size_t error_size) {
    ERR_clear_error();
    errno = 0;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) { put_error(error, error_size, "cannot create a TLS context for", certificate); return NULL; }
    /* Mozilla "intermediate" (ssl-config.mozilla.org, version 5.7): TLS 1.2 and 1.3, ECDHE with
       AEAD ciphers, the client's cipher preference, X25519, P-256, P-384. */
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    if (!SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
        || !SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384")) {
        put_error(error, error_size, "cannot set the TLS profile for", certificate);
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    if (folio_tls_kernel_offered()) SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
    SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    /* Read what the socket has in one read(2), not a record header and then its body (strace:
       3.2 reads per keep-alive request without it). */
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
    /* Resumption: a server-side session cache and stateless tickets (OpenSSL makes the ticket
       keys when the context is made, so a reload rotates them). */
    static const unsigned char sid_context[] = "folio";
    SSL_CTX_set_session_id_context(ctx, sid_context, sizeof sid_context - 1);
    /* No flush of the whole cache every 255 connections (perf: OPENSSL_LH_doall_arg walking it
       in the resumed-handshake path); the cache stays bounded by its size, oldest out first,
       and an expired session is refused when it is looked up. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_AUTO_CLEAR);
    /* One TLS 1.3 ticket per connection instead of OpenSSL's two: a client resumes one
       connection with it and gets a fresh one each time (strace: one write fewer per handshake). */
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_sess_set_cache_size(ctx, 20480);
    SSL_CTX_set_timeout(ctx, 24 * 3600);
    errno = 0;
    if (SSL_CTX_use_certificate_chain_file(ctx, certificate) != 1) {
        put_error(error, error_size, "cannot read the TLS certificate", certificate);
        SSL_CTX_free(ctx);
        return NULL;
    }
    errno = 0;
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
            put_error(error, error_size, "the TLS private key does not match the certificate; key", key);
        else
            put_error(error, error_size, "cannot read the TLS private key", key);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        put_error(error, error_size, "the TLS private key does not match the certificate; key", key);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

void folio_tls_context_free(SSL_CTX *ctx) { SSL_CTX_free(ctx); }

SSL *folio_tls_session_new(SSL_CTX *ctx, int fd) {
    SSL *ssl = SSL_new(ctx);
    if (!ssl) { ERR_clear_error(); return NULL; }
    if (SSL_set_fd(ssl, fd) != 1) { SSL_free(ssl); ERR_clear_error(); return NULL; }
    SSL_set_accept_state(ssl);
    return ssl;
}

void folio_tls_session_free(SSL *ssl) { SSL_free(ssl); }

static int outcome(SSL *ssl, int n) {
    int code = SSL_get_error(ssl, n);
    switch (code) {
    case SSL_ERROR_WANT_READ: return FOLIO_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return FOLIO_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return FOLIO_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == EAGAIN || errno == EWOULDBLOCK) return FOLIO_TLS_WANT_READ;
        return n == 0 || errno == 0 ? FOLIO_TLS_CLOSED : FOLIO_TLS_FAILED;
    default:
        ERR_clear_error();
        return FOLIO_TLS_FAILED;
    }
}

int folio_tls_read(SSL *ssl, void *buffer, int count) {
    errno = 0;
    int n = SSL_read(ssl, buffer, count);
    return n > 0 ? n : outcome(ssl, n);
}

int folio_tls_write(SSL *ssl, const void *bytes, int count) {
    errno = 0;
    int n = SSL_write(ssl, bytes, count);
    return n > 0 ? n : outcome(ssl, n);
}

int folio_tls_pending(SSL *ssl) { return SSL_has_pending(ssl); }

void folio_tls_shutdown(SSL *ssl) {
    if (SSL_is_init_finished(ssl)) SSL_shutdown(ssl);
    ERR_clear_error();
}

int folio_tls_handshake_done(SSL *ssl) { return SSL_is_init_finished(ssl); }
int folio_tls_session_reused(SSL *ssl) { return SSL_session_reused(ssl); }
int folio_tls_ktls_send(SSL *ssl) { return BIO_get_ktls_send(SSL_get_wbio(ssl)) ? 1 : 0; }
const char *folio_tls_protocol(SSL *ssl) { return SSL_get_version(ssl); }

static int add_extension(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!ext) return 0;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/* A version 3 certificate for `key` named CN=`common_name`, valid `days` days from five minutes
   ago, with a random serial; the caller adds extensions and signs it. */
static X509 *new_certificate(EVP_PKEY *key, const char *common_name, int days) {
    X509 *cert = X509_new();
    if (!cert) return NULL;
    X509_set_version(cert, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), -300);
    X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"Folio development", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0);
    return cert;
}

/* Like mkcert: a one-off certificate authority signs the server's certificate, and its key is
   never written, so the file a client trusts can vouch for this one certificate only. Strict
   validators (browsers, sslyze) refuse a self-signed certificate that is both the authority
   and the server's. The certificate file holds the server's certificate, then the authority's. */
int folio_tls_self_signed(const char *host, int days, const char *certificate_path, const char *key_path,
                          char *error, size_t error_size) {
    ERR_clear_error();
    int result = -1;
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *ca = NULL, *cert = NULL;
    FILE *out = NULL;
    char san[600], ca_name[300];
    if (strlen(host) > 253) { snprintf(error, error_size, "host name too long: %s", host); goto done; }
    if (!ca_key || !key) { put_error(error, error_size, "cannot make a key for", host); goto done; }
    snprintf(ca_name, sizeof ca_name, "Folio development CA for %s", host);
    ca = new_certificate(ca_key, ca_name, days);
    cert = new_certificate(key, host, days);
    if (!ca || !cert) { put_error(error, error_size, "cannot make a certificate for", host); goto done; }
    X509_set_issuer_name(ca, X509_get_subject_name(ca));
    X509_set_issuer_name(cert, X509_get_subject_name(ca));
    unsigned char address[16];
    if (inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1)
        snprintf(san, sizeof san, "IP:%s", host);
    else if (strcmp(host, "localhost") == 0)
        snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1,IP:::1");
    else
        snprintf(san, sizeof san, "DNS:%s", host);
    if (!add_extension(ca, ca, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        || !add_extension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign")
        || !add_extension(ca, ca, NID_subject_key_identifier, "hash")
        || !X509_sign(ca, ca_key, EVP_sha256())
        || !add_extension(cert, ca, NID_basic_constraints, "critical,CA:FALSE")
        || !add_extension(cert, ca, NID_key_usage, "critical,digitalSignature")
        || !add_extension(cert, ca, NID_ext_key_usage, "serverAuth")
        || !add_extension(cert, ca, NID_subject_alt_name, san)
        || !add_extension(cert, ca, NID_authority_key_identifier, "keyid:always")
        || !X509_sign(cert, ca_key, EVP_sha256())) {
        put_error(error, error_size, "cannot make a certificate for", host);
        goto done;
    }
    int fd = open(key_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(out = fdopen(fd, "w"))) { if (fd >= 0) close(fd); put_error(error, error_size, "cannot write", key_path); goto done; }
    if (!PEM_write_PrivateKey(out, key, NULL, NULL, 0, NULL, NULL)) { put_error(error, error_size, "cannot write", key_path); goto done; }
    if (fclose(out) != 0) { out = NULL; put_error(error, error_size, "cannot write", key_path); goto done; }
    out = fopen(certificate_path, "w");
    if (!out || !PEM_write_X509(out, cert) || !PEM_write_X509(out, ca)) {
        put_error(error, error_size, "cannot write", certificate_path);
        goto done;
    }
    if (fclose(out) != 0) { out = NULL; put_error(error, error_size, "cannot write", certificate_path); goto done; }
    out = NULL;
    result = 0;
done:
    if (out) fclose(out);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return result;
}
