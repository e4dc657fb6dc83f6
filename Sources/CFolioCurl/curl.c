#include "CFolioCurl.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct folio_http_client {
    CURL *easy;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

folio_http_client *folio_http_client_new(void) {
    pthread_once(&global_once, global_init);
    folio_http_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->easy = curl_easy_init();
    if (!c->easy) { free(c); return NULL; }
    return c;
}

void folio_http_client_free(folio_http_client *client) {
    if (!client) return;
    curl_easy_cleanup(client->easy);
    free(client);
}

/// Counts and drops the answer's body; stops after 64 KiB.
static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data;
    size_t *seen = user;
    *seen += size * count;
    return *seen > 65536 ? 0 : size * count;
}

folio_http_result folio_http_post(folio_http_client *client, const char *url, const char *const *headers,
                                  int header_count, const void *body, size_t body_length, long timeout_ms) {
    folio_http_result result = {0};
    CURL *e = client->easy;
    curl_easy_reset(e);
    struct curl_slist *list = NULL;
    for (int i = 0; i < header_count; i++) list = curl_slist_append(list, headers[i]);
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    size_t seen = 0;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "Folio-Webhooks/1");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &seen);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(e);
    if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && seen > 65536)) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &result.status);
    } else {
        result.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
        snprintf(result.error, sizeof result.error, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(list);
    return result;
}
