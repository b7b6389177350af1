package org.tinykv.tools.sst;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.sstable.Block;
import org.tinykv.lsm.sstable.BlockHandle;
import org.tinykv.lsm.sstable.BlockIterator;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.lsm.sstable.Footer;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;

/**
 * Block-level access to a table file for the dump and the verifier: the footer (decoded and checked by
 * {@link Footer#decode}), any block by handle with its trailer checked (masked CRC32C of contents plus type byte,
 * see docs/formats/sst.md) and decompressed by {@link Compression}, and the index block decoded by the engine's
 * {@link Block}. {@code TableReader} keeps its index and filter private, so this class reads them itself.
 *
 * <p>Thread-safety: confined to one thread. Ownership: owns the open file.
 */
final class TableFile implements Closeable {

    /** Bytes of a block trailer: type u8 and crc fixed32. */
    static final int TRAILER = 5;

    private final RandomAccessFile file;
    private final long size;
    private final Footer footer;

    private TableFile(final RandomAccessFile file, final long size, final Footer footer) {
        this.file = file;
        this.size = size;
        this.footer = footer;
    }

    /** Opens {@code path} and checks its footer. */
    static TableFile open(final FileSystem fs, final Path path) throws IOException {
        final RandomAccessFile f = fs.openRandomAccess(path);
        try {
            final long size = f.size();
            if (size < Footer.LENGTH) {
                throw new CorruptionException(f.name(), 0, "file too short for a table: " + size + " bytes");
            }
            final byte[] raw = new byte[Footer.LENGTH];
            readFully(f, size - Footer.LENGTH, raw);
            return new TableFile(f, size, Footer.decode(raw, f.name(), size - Footer.LENGTH, size));
        } catch (final IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static void readFully(final RandomAccessFile f, final long pos, final byte[] out) throws IOException {
        int done = 0;
        while (done < out.length) {
            final int n = f.read(pos + done, out, done, out.length - done);
            if (n <= 0) {
                throw new CorruptionException(f.name(), pos, "truncated: cannot read " + out.length + " bytes");
            }
            done += n;
        }
    }

    /** The file name, for messages. */
    String name() {
        return file.name();
    }

    /** The file size in bytes. */
    long size() {
        return size;
    }

    /** The decoded footer. */
    Footer footer() {
        return footer;
    }

    /** The offset of the footer. */
    long footerOffset() {
        return size - Footer.LENGTH;
    }

    /**
     * Reads the block at {@code h}, verifying its checksum and decompressing it.
     *
     * @throws CorruptionException at the block's offset if the handle, checksum or compression is bad
     */
    RawBlock read(final BlockHandle h) throws IOException {
        if (h.offset() < 0 || h.size() < 0 || h.offset() + h.size() + TRAILER > footerOffset()) {
            throw new CorruptionException(name(), h.offset(), "block handle (" + h.offset() + ", " + h.size()
                + ") runs past the footer at " + footerOffset());
        }
        final int n = (int) h.size();
        final byte[] buf = new byte[n + TRAILER];
        readFully(file, h.offset(), buf);
        if (Crc32c.unmask(Fixed.getInt(buf, n + 1)) != Crc32c.compute(buf, 0, n + 1)) {
            throw new CorruptionException(name(), h.offset(), "block checksum mismatch");
        }
        final Compression type = Compression.fromCode(buf[n] & 0xff);
        if (type == null) {
            throw new CorruptionException(name(), h.offset() + n, "unknown compression type " + (buf[n] & 0xff));
        }
        if (type == Compression.NONE) {
            return new RawBlock(h, type, Arrays.copyOf(buf, n));
        }
        try {
            return new RawBlock(h, type, type.decompress(buf, 0, n));
        } catch (final CorruptionException e) {
            throw e;
        } catch (final IOException | RuntimeException e) {
            throw new CorruptionException(name(), h.offset(), "cannot decompress " + type + " block: " + e);
        }
    }

    /** Reads the index block and decodes every entry. */
    List<IndexEntry> index() throws IOException {
        final BlockHandle ih = footer.index();
        final Block block = new Block(read(ih).contents(), name(), ih.offset());
        final BlockIterator it = block.iterator(-1);
        final List<IndexEntry> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            final byte[] key = Arrays.copyOfRange(it.keyArray(), it.keyOffset(), it.keyOffset() + it.keyLength());
            final BlockHandle h;
            try {
                h = BlockHandle.decode(it.valueArray(), it.valueOffset(), it.valueLength());
            } catch (final IOException e) {
                throw new CorruptionException(name(), ih.offset(), "bad handle in index entry " + out.size()
                    + ": " + e.getMessage());
            }
            out.add(new IndexEntry(key, h));
        }
        return out;
    }

    /** The trailer type byte of the block at {@code h} (its compression), without verifying the block. */
    int storedType(final BlockHandle h) throws IOException {
        final byte[] b = new byte[1];
        readFully(file, h.offset() + h.size(), b);
        return b[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
