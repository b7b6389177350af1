package org.tinykv.multiraft.transport;

import java.nio.file.Path;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.fs.FileSystem;

/**
 * The files of one region snapshot on a store's file system: one SST per non-empty column family, named
 * {@code <cf>.sst} inside {@code dir}, described (size, crc32c) by {@code meta}. See docs/formats/snapshot.md.
 *
 * @param fs   the file system holding them
 * @param dir  the snapshot's directory
 * @param meta the list of files with their sizes and checksums
 */
public record SnapshotFiles(FileSystem fs, Path dir, SnapshotMeta meta) {

    /** The path of {@code file} in {@link #dir}. */
    public Path path(final SnapshotCFFile file) {
        return dir.resolve(file.getCf() + ".sst");
    }

    /** Total bytes of the files. */
    public long totalBytes() {
        long n = 0;
        for (final SnapshotCFFile f : meta.getCfFilesList()) {
            n += f.getSize();
        }
        return n;
    }
}
