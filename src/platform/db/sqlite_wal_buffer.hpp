// A VFS for the SQLite writer connection: the default VFS, except that writes to a WAL file are
// gathered in memory and reach the file as one pwrite. SQLite writes each WAL frame as two
// calls (a 24-byte header, then the page), so a commit group of ~140 pages made ~280 system
// calls; now it makes one. Internal to platform/db.
#pragma once

namespace sd::db {

// Registers the VFS once (not as the default) and returns its name, for sqlite3_open_v2.
// The gathered bytes are written before anything can depend on them: when SQLite writes a
// commit frame, syncs, reads, sizes, truncates or closes the WAL, and when the buffer is full.
// A process that dies before that loses only frames of a transaction that had not committed.
const char* wal_buffer_vfs();

}  // namespace sd::db
