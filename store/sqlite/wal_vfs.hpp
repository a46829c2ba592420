#pragma once
// A VFS over the platform's default one that coalesces the write-ahead log's writes.
//
// SQLite appends each WAL frame with two pwrite() calls (the 24-byte frame header, then the
// page), so a transaction touching nine pages costs eighteen system calls; on a virtual machine
// those calls were two thirds of the time the connection lock was held. This VFS buffers
// contiguous appends to a `-wal` file in memory and writes them with one call. Every other file
// (the database itself, temporary files) is the default VFS's own object, untouched.
//
// Durability is unchanged: the buffer is flushed before any read, sync, truncate or size query
// of the log, when it would grow past a bound, on close, and explicitly by Database after every
// COMMIT (flush_wal), so a committed transaction is in the operating system's hands (which is
// what synchronous=NORMAL promises against a process crash) before write() returns.

struct sqlite3_file;

namespace scl::store::wal_vfs {

/// Registers the VFS once (thread-safe) and returns its name for sqlite3_open_v2.
const char* name();

/// Writes out what `file` holds back, if it is one of this VFS's log files (anything else,
/// including nullptr, is left alone). Returns an SQLite result code; the data stays buffered
/// on failure, so a later flush retries it.
int flush(sqlite3_file* file);

}  // namespace scl::store::wal_vfs
