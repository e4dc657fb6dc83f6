#define _GNU_SOURCE
#include <sys/socket.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>

int folio_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int folio_accept_peer(int fd, unsigned char *address16, int *family) {
    struct sockaddr_storage peer;
    socklen_t length = sizeof(peer);
    int client = accept4(fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return client;
    memset(address16, 0, 16);
    *family = peer.ss_family;
    if (peer.ss_family == AF_INET) {
        memcpy(address16, &((struct sockaddr_in *)&peer)->sin_addr, 4);
    } else if (peer.ss_family == AF_INET6) {
        memcpy(address16, &((struct sockaddr_in6 *)&peer)->sin6_addr, 16);
    }
    return client;
}
