// The few Linux syscalls and constants Swift's Glibc module does not export:
// epoll, eventfd, accept4 and friends. Thin static inline wrappers, no logic.
#ifndef CFOLIOSHIM_H
#define CFOLIOSHIM_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <unistd.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static const uint32_t folio_EPOLLIN = EPOLLIN;
static const uint32_t folio_EPOLLOUT = EPOLLOUT;
static const uint32_t folio_EPOLLERR = EPOLLERR;
static const uint32_t folio_EPOLLHUP = EPOLLHUP;
static const uint32_t folio_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t folio_EPOLLET = EPOLLET;

static inline int folio_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Registers or modifies `fd` with `events`, storing `fd` itself as the user data.
static inline int folio_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = (uint64_t)(uint32_t)fd;
    return epoll_ctl(epfd, op, fd, &ev);
}
static inline int folio_epoll_add(int epfd, int fd, uint32_t events) { return folio_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, events); }
static inline int folio_epoll_mod(int epfd, int fd, uint32_t events) { return folio_epoll_ctl(epfd, EPOLL_CTL_MOD, fd, events); }
static inline int folio_epoll_del(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

/// Waits for events; writes fds into `fds` and event masks into `masks`. Returns count or -1.
static inline int folio_epoll_wait(int epfd, int *fds, uint32_t *masks, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = (int)(uint32_t)evs[i].data.u64;
        masks[i] = evs[i].events;
    }
    return n;
}

static inline int folio_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (defined in shim.c, which needs _GNU_SOURCE).
int folio_accept(int fd);
// accept4 that also reports the peer: its address (4 or 16 bytes) and family (AF_INET, AF_INET6).
int folio_accept_peer(int fd, unsigned char *address16, int *family);

static inline int folio_errno(void) { return errno; }

static inline int folio_socket_tcp(int family) {
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static inline int folio_set_int_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof(value));
}

static const int folio_SO_REUSEPORT = SO_REUSEPORT;
static const int folio_SO_REUSEADDR = SO_REUSEADDR;
static const int folio_TCP_NODELAY = TCP_NODELAY;
static const int folio_IPPROTO_TCP = IPPROTO_TCP;
static const int folio_SOL_SOCKET = SOL_SOCKET;
static const int folio_MSG_NOSIGNAL = MSG_NOSIGNAL;

/// Sends `count` buffers with one sendmsg (MSG_NOSIGNAL). On a socket this is writev's work
/// without writev's file-layer steps (file position lock, rw_verify_area, fsnotify).
static inline ssize_t folio_sendv(int fd, struct iovec *iov, int count) {
    struct msghdr mh = {0};
    mh.msg_iov = iov;
    mh.msg_iovlen = (size_t)count;
    return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

/// Blocks SIGPIPE process-wide so a peer that resets never kills the server.
static inline void folio_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

// Sets the calling thread's nice value (Linux schedules threads, so this is per thread).
static inline int folio_set_thread_nice(int nice) { return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice); }

#endif
