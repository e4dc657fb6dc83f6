#ifndef CFOLIOTLS_H
#define CFOLIOTLS_H
#include <stddef.h>

/* TLS through OpenSSL 3, reduced to what the event loop needs: a server context with Mozilla's
   "intermediate" profile, one session per connection over a non-blocking socket, and a
   development certificate. OpenSSL's types stay opaque to Swift. */

struct ssl_ctx_st;
struct ssl_st;

/* 1 when the kernel offers kernel TLS (read once from /proc; the first call is made on the
   thread that makes contexts, before any other). */
int folio_tls_kernel_offered(void);

/* A server context: certificate chain and key from PEM files, TLS 1.2 and 1.3, the ECDHE AEAD
   suites, X25519/P-256/P-384, no renegotiation, ALPN http/1.1, session cache and tickets, kernel
   TLS when the kernel offers it. NULL on failure, with a message naming the file in `error`. */
struct ssl_ctx_st *folio_tls_context_new(const char *certificate, const char *key, char *error, size_t error_size);
void folio_tls_context_free(struct ssl_ctx_st *ctx);

/* A server session on a connected non-blocking socket (the handshake happens on first read). */
struct ssl_st *folio_tls_session_new(struct ssl_ctx_st *ctx, int fd);
void folio_tls_session_free(struct ssl_st *ssl);

enum {
    FOLIO_TLS_WANT_READ = -1,   /* nothing now: wait until the socket is readable */
    FOLIO_TLS_WANT_WRITE = -2,  /* nothing now: wait until the socket is writable */
    FOLIO_TLS_CLOSED = -3,      /* the peer closed (close_notify or end of stream) */
    FOLIO_TLS_FAILED = -4       /* protocol error or socket error: close */
};

/* Application bytes read (> 0) or one of the codes above. */
int folio_tls_read(struct ssl_st *ssl, void *buffer, int count);
/* Bytes written (> 0, possibly fewer than `count`) or one of the codes above. After WANT_*, call
   again with at least the same bytes (they may sit at another address). */
int folio_tls_write(struct ssl_st *ssl, const void *bytes, int count);
/* Whether OpenSSL holds bytes (decrypted, or read ahead from the socket) that epoll will not
   announce again. */
int folio_tls_pending(struct ssl_st *ssl);
/* Sends close_notify without waiting for the peer's. */
void folio_tls_shutdown(struct ssl_st *ssl);
int folio_tls_handshake_done(struct ssl_st *ssl);
int folio_tls_session_reused(struct ssl_st *ssl);
/* 1 when the kernel encrypts what this session sends. */
int folio_tls_ktls_send(struct ssl_st *ssl);
/* "TLSv1.3" and the like. */
const char *folio_tls_protocol(struct ssl_st *ssl);

/* Writes an ECDSA P-256 certificate for `host`, signed by a one-off authority whose key is discarded
   (the file holds both certificates; subjectAltName DNS, or IP for an
   address; localhost also gets 127.0.0.1 and ::1) valid `days` days, and its key (mode 0600).
   0 on success, -1 with a message in `error`. */
int folio_tls_self_signed(const char *host, int days, const char *certificate_path, const char *key_path,
                          char *error, size_t error_size);

#endif
