#include "CTLSTestClient.h"
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

SSL *folio_test_tls_connect(int fd, const char *ca_file, const char *host, int version, char *error, size_t size) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) { snprintf(error, size, "SSL_CTX_new failed"); return NULL; }
    if (version) {
        SSL_CTX_set_min_proto_version(ctx, version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION);
        SSL_CTX_set_max_proto_version(ctx, version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        snprintf(error, size, "cannot load %s", ca_file);
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the session keeps its own reference */
    if (!ssl) { snprintf(error, size, "SSL_new failed"); return NULL; }
    SSL_set_tlsext_host_name(ssl, host);
    SSL_set1_host(ssl, host);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        unsigned long code = ERR_get_error();
        char detail[256] = "";
        ERR_error_string_n(code, detail, sizeof detail);
        snprintf(error, size, "handshake failed: %s (verify %ld)", detail, SSL_get_verify_result(ssl));
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    return ssl;
}

int folio_test_tls_read(SSL *ssl, void *buffer, int count) {
    int n = SSL_read(ssl, buffer, count);
    if (n > 0) return n;
    int code = SSL_get_error(ssl, n);
    ERR_clear_error();
    return code == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

int folio_test_tls_write(SSL *ssl, const void *bytes, int count) {
    int n = SSL_write(ssl, bytes, count);
    ERR_clear_error();
    return n > 0 ? n : -1;
}

const char *folio_test_tls_version(SSL *ssl) { return SSL_get_version(ssl); }
void folio_test_tls_free(SSL *ssl) { SSL_free(ssl); }
