#ifndef CFOLIOCURL_H
#define CFOLIOCURL_H

#include <stddef.h>

/// One outgoing HTTP(S) client (a libcurl easy handle: connections to an endpoint are reused).
/// Not thread-safe: one per thread.
typedef struct folio_http_client folio_http_client;

folio_http_client *folio_http_client_new(void);
void folio_http_client_free(folio_http_client *client);

/// The outcome of one request.
typedef struct {
    /// The HTTP status, or 0 when no answer came (see `error`).
    long status;
    /// 1 when the request ran out of time.
    int timed_out;
    /// A one-line reason when `status` is 0 (NUL-terminated).
    char error[256];
} folio_http_result;

/// POSTs `body` to `url` with `header_count` header lines ("Name: value"), waiting at most
/// `timeout_ms` in all. Only http and https, no redirects followed, the answer's body discarded
/// (at most 64 KiB read). Blocking.
folio_http_result folio_http_post(folio_http_client *client, const char *url, const char *const *headers,
                                  int header_count, const void *body, size_t body_length, long timeout_ms);

#endif
