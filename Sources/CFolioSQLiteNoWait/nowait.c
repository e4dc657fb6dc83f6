// See include/CFolioSQLiteNoWait.h. A shim VFS in the usual shape (SQLite's test_vfstrace.c,
// test_multiplex.c): each file is the shim's header followed by the default VFS's file.
#define _GNU_SOURCE
#include "CFolioSQLiteNoWait.h"
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

static __thread int nowait_active;
static __thread int nowait_missed;
static __thread int nowait_simulated;

void folio_nowait_simulate(int on) { nowait_simulated = on; }

void folio_nowait_begin(void) { nowait_active = 1; nowait_missed = 0; }

int folio_nowait_end(void) {
    int missed = nowait_missed;
    nowait_active = 0;
    nowait_missed = 0;
    return missed;
}

typedef struct NoWaitFile {
    sqlite3_file base;
    sqlite3_file *real;  // the default VFS's file, right after this header
    int fd;              // its descriptor, or -1 when it could not be confirmed
} NoWaitFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs nowait_vfs;
static sqlite3_io_methods nowait_methods;

#define REAL(f) (((NoWaitFile *)(f))->real)

static int nw_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }

static int nw_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
    NoWaitFile *p = (NoWaitFile *)f;
    if (nowait_active && nowait_simulated) {
        nowait_missed = 1;
        return SQLITE_IOERR_READ;
    }
    if (nowait_active && p->fd >= 0) {
        struct iovec v = { buf, (size_t)amt };
        ssize_t n = preadv2(p->fd, &v, 1, off, RWF_NOWAIT);
        if (n == amt) return SQLITE_OK;
        // EAGAIN, or part of the bytes (a WAL frame spans two memory pages, one of them not in
        // memory) while the file holds them all: the rest would wait.
        struct stat st;
        if ((n < 0 && errno == EAGAIN) || (n >= 0 && fstat(p->fd, &st) == 0 && off + amt <= st.st_size)) {
            nowait_missed = 1;
            return SQLITE_IOERR_READ;
        }
        // A read past the end of the file, or another error: the default VFS handles it.
    }
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int nw_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xWrite(REAL(f), b, n, o); }
static int nw_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int nw_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int nw_file_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int nw_lock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xLock(REAL(f), level); }
static int nw_unlock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xUnlock(REAL(f), level); }
static int nw_check_reserved(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int nw_file_control(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int nw_sector_size(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int nw_device_characteristics(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int nw_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}
static int nw_shm_lock(sqlite3_file *f, int offset, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags); }
static void nw_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int nw_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int nw_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp); }
static int nw_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), off, p); }

// The unix VFS's file begins { methods, vfs, inode, int h }: `h` is its descriptor. That layout is
// internal, so it is only trusted once the descriptor is seen to be the file just opened.
static int confirmed_fd(sqlite3_file *real, const char *name) {
    struct layout { const void *methods; void *vfs; void *inode; int h; };
    int fd = ((struct layout *)real)->h;
    struct stat a, b;
    if (name == NULL || fd < 0 || fstat(fd, &a) != 0 || stat(name, &b) != 0) return -1;
    return (a.st_dev == b.st_dev && a.st_ino == b.st_ino) ? fd : -1;
}

static int nw_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags) {
    (void)vfs;
    NoWaitFile *p = (NoWaitFile *)f;
    p->real = (sqlite3_file *)&p[1];
    p->fd = -1;
    int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
    if (p->real->pMethods == NULL) {
        p->base.pMethods = NULL;
        return rc;
    }
    p->base.pMethods = &nowait_methods;
    if (rc == SQLITE_OK) p->fd = confirmed_fd(p->real, name);
    return rc;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int register_rc = SQLITE_OK;

static void register_once(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL || real_vfs->iVersion < 1) { register_rc = SQLITE_ERROR; return; }
    nowait_vfs = *real_vfs;
    nowait_vfs.pNext = NULL;
    nowait_vfs.zName = "folio-nowait";
    nowait_vfs.szOsFile = (int)sizeof(NoWaitFile) + real_vfs->szOsFile;
    nowait_vfs.xOpen = nw_open;
    nowait_methods = (sqlite3_io_methods){
        3, nw_close, nw_read, nw_write, nw_truncate, nw_sync, nw_file_size, nw_lock, nw_unlock, nw_check_reserved,
        nw_file_control, nw_sector_size, nw_device_characteristics, nw_shm_map, nw_shm_lock, nw_shm_barrier,
        nw_shm_unmap, nw_fetch, nw_unfetch,
    };
    register_rc = sqlite3_vfs_register(&nowait_vfs, 0);
}

int folio_nowait_vfs_register(void) {
    pthread_once(&once, register_once);
    return register_rc;
}
