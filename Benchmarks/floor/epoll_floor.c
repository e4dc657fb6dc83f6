// The floor of server CPU per request on this machine: one thread, one epoll loop, keep-alive,
// answering every request (counted by its "\r\n\r\n"; pipelining works) with one fixed response.
// No parsing, no routing, no allocation per request: what is left is the kernel's cost of
// epoll_wait + read + write on a loopback socket.
//   gcc -O2 -o epoll_floor epoll_floor.c
//   ./epoll_floor PORT BODY          BODY: a byte count (filled with 'x'), or a file to send
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXFD 65536
struct conn { unsigned pending; size_t off; int tail; int want_out; };
static struct conn conns[MAXFD];
static char *resp;
static size_t resp_len;
static int ep;

static void close_conn(int fd) { epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); close(fd); memset(&conns[fd], 0, sizeof conns[fd]); }

// Writes pending responses; returns -1 if the connection died.
static int flush(int fd) {
    struct conn *c = &conns[fd];
    while (c->pending) {
        ssize_t n = send(fd, resp + c->off, resp_len - c->off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN) break;
            return -1;
        }
        c->off += (size_t)n;
        if (c->off == resp_len) { c->off = 0; c->pending--; }
    }
    int want = c->pending != 0;
    if (want != c->want_out) {
        struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
        c->want_out = want;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s PORT BYTES|FILE\n", argv[0]); return 2; }
    signal(SIGPIPE, SIG_IGN);
    char *body; size_t body_len;
    char *end; long bytes = strtol(argv[2], &end, 10);
    if (*end == 0) {
        body_len = (size_t)bytes; body = malloc(body_len); memset(body, 'x', body_len);
    } else {
        int f = open(argv[2], O_RDONLY); struct stat st;
        if (f < 0 || fstat(f, &st) < 0) { perror(argv[2]); return 1; }
        body_len = (size_t)st.st_size; body = malloc(body_len);
        if (read(f, body, body_len) != (ssize_t)body_len) { perror("read"); return 1; }
        close(f);
    }
    char head[256];
    int hl = snprintf(head, sizeof head,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n\r\n", body_len);
    resp_len = (size_t)hl + body_len;
    resp = malloc(resp_len); memcpy(resp, head, (size_t)hl); memcpy(resp + hl, body, body_len);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) { perror("bind/listen"); return 1; }
    ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    printf("epoll_floor listening on 127.0.0.1:%s, response %zu bytes\n", argv[1], resp_len);
    fflush(stdout);

    struct epoll_event events[512];
    static char buf[65536];
    for (;;) {
        int n = epoll_wait(ep, events, 512, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == ls) {
                int cfd;
                while ((cfd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (cfd >= MAXFD) { close(cfd); continue; }
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = cfd };
                    epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
                }
                continue;
            }
            struct conn *c = &conns[fd];
            if (events[i].events & EPOLLIN) {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r == 0 || (r < 0 && errno != EAGAIN)) { close_conn(fd); continue; }
                // Count request ends, carrying a partial "\r\n\r\n" across reads in c->tail.
                int st = c->tail;
                for (ssize_t k = 0; k < r; k++) {
                    char ch = buf[k];
                    if (ch == '\r') st = (st == 2) ? 3 : 1;
                    else if (ch == '\n') { if (st == 3) { c->pending++; st = 0; } else st = (st == 1) ? 2 : 0; }
                    else st = 0;
                }
                c->tail = st;
            }
            if (flush(fd) < 0) close_conn(fd);
        }
    }
}
