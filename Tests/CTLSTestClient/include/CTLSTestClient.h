#ifndef CTLSTESTCLIENT_H
#define CTLSTESTCLIENT_H
#include <stddef.h>
/* A blocking TLS client for the end-to-end tests (OpenSSL): trusts one CA file, checks the
   host name, speaks TLS 1.2 or 1.3 (0 for either). */
struct ssl_st;
struct ssl_st *folio_test_tls_connect(int fd, const char *ca_file, const char *host, int version, char *error, size_t size);
/* Bytes moved (> 0), 0 at the end of the stream, -1 on error or timeout (SO_RCVTIMEO). */
int folio_test_tls_read(struct ssl_st *ssl, void *buffer, int count);
int folio_test_tls_write(struct ssl_st *ssl, const void *bytes, int count);
const char *folio_test_tls_version(struct ssl_st *ssl);
void folio_test_tls_free(struct ssl_st *ssl);
#endif
