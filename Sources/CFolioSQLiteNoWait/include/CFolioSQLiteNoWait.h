// A SQLite VFS over the default one whose reads can be told not to wait for the disk, for reads
// made on an event loop: while `folio_nowait_begin` is in force on a thread, a read of bytes that
// are not in the page cache fails at once (preadv2 with RWF_NOWAIT answered EAGAIN) instead of
// blocking, and `folio_nowait_end` says so; the caller then does the work on a thread that may
// wait. Everything else is the default VFS's.
#ifndef CFOLIOSQLITENOWAIT_H
#define CFOLIOSQLITENOWAIT_H

/// Registers the VFS "folio-nowait" (once; later calls do nothing). Returns an SQLite result code.
int folio_nowait_vfs_register(void);

/// From now on this thread's reads through "folio-nowait" do not wait for the disk.
void folio_nowait_begin(void);

/// Ends `folio_nowait_begin`; returns 1 if a read failed because it would have waited.
int folio_nowait_end(void);

/// For tests: while on, this thread's reads inside `folio_nowait_begin` act as if nothing were in
/// memory (page-cache state cannot be arranged reliably from a test).
void folio_nowait_simulate(int on);

#endif
