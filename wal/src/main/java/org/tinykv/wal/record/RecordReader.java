package org.tinykv.wal.record;

import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.fs.RandomAccessFile;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static org.tinykv.wal.record.RecordDescriptor.BLOCK_SIZE;
import static org.tinykv.wal.record.RecordDescriptor.HEADER_SIZE;

/**
 * Reads the records of a log file written by {@link RecordWriter}, checking every fragment's checksum, under a
 * {@link RecoveryMode}. See docs/formats/wal.md.
 *
 * <p>A corrupt, torn or incomplete record is never returned. Each corruption met is thrown as a
 * {@link CorruptionException} naming the file and the byte offset, or (when the mode tolerates it) listed in
 * {@link #skippedCorruptions()}. To tell a torn tail from corruption in the middle, the reader looks for a valid
 * fragment after the bad one: at every byte offset of the rest of the bad block and at the start of every later
 * block (where a fragment always starts). A header of seven zero bytes ends the log (a preallocated tail), unless a
 * valid fragment follows it.
 *
 * <p>Thread-safety: confined to one thread. Ownership: the reader owns the file and closes it.
 */
public final class RecordReader implements Closeable {

    private static final int OK = 0;
    private static final int EOF = 1;
    private static final int ZERO = 2;
    private static final int BAD = 3;

    private final RandomAccessFile file;
    private final RecoveryMode mode;
    private final byte[] block = new byte[BLOCK_SIZE];
    private final List<CorruptionException> skipped = new ArrayList<>();
    private byte[] probe;
    private byte[] scratch = new byte[256];
    private int scratchLength;
    private long blockStart = -1;
    private int blockLength;
    private int position;
    private boolean done;
    private long lastRecordOffset = -1;
    private long endOffset;

    private RecordType fragmentType;
    private int fragmentPosition;
    private int fragmentLength;
    private long fragmentOffset;
    private long badOffset;
    private String badReason;

    /** Creates a reader of {@code file} from its first byte. */
    public RecordReader(final RandomAccessFile file, final RecoveryMode mode) {
        this.file = Objects.requireNonNull(file, "file");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Creates a reader in the default mode, {@link RecoveryMode#TOLERATE_CORRUPTED_TAIL}. */
    public RecordReader(final RandomAccessFile file) {
        this(file, RecoveryMode.TOLERATE_CORRUPTED_TAIL);
    }

    /**
     * Returns the next complete record as a fresh array owned by the caller, or {@code null} at the end of the log
     * (or where the mode stops reading).
     *
     * @throws CorruptionException for corruption the mode does not tolerate, with file and offset
     * @throws IOException if reading the file fails
     */
    public byte[] next() throws IOException {
        if (done) {
            return null;
        }
        if (blockStart < 0) {
            loadBlock(0);
        }
        boolean inRecord = false;
        long recordStart = -1;
        while (true) {
            final int result = readFragment();
            if (result == OK) {
                final RecordType type = fragmentType;
                if (type == RecordType.FULL || type == RecordType.FIRST) {
                    if (inRecord && !corruption(recordStart, "record has no LAST fragment before the "
                        + type + " fragment at offset " + fragmentOffset, fragmentOffset)) {
                        return null;
                    }
                    if (inRecord) {
                        inRecord = false;
                        continue; // SKIP_ANY_CORRUPTED re-reads the current fragment as a fresh start
                    }
                    if (type == RecordType.FULL) {
                        lastRecordOffset = fragmentOffset;
                        endOffset = fragmentOffset + HEADER_SIZE + fragmentLength;
                        return Arrays.copyOfRange(block, fragmentPosition, fragmentPosition + fragmentLength);
                    }
                    inRecord = true;
                    recordStart = fragmentOffset;
                    scratchLength = 0;
                    appendScratch();
                } else if (!inRecord) {
                    if (!corruption(fragmentOffset, type + " fragment without a FIRST fragment",
                        findValidFragment(fragmentOffset + 1))) {
                        return null;
                    }
                } else {
                    appendScratch();
                    if (type == RecordType.LAST) {
                        lastRecordOffset = recordStart;
                        endOffset = fragmentOffset + HEADER_SIZE + fragmentLength;
                        return Arrays.copyOf(scratch, scratchLength);
                    }
                }
            } else if (result == EOF) {
                if (inRecord) {
                    corruption(recordStart, "record has no LAST fragment before the end of the file", -1);
                }
                done = true;
                return null;
            } else {
                final long after = findValidFragment(badOffset + 1);
                if (result == ZERO && after < 0) {
                    if (inRecord) {
                        corruption(recordStart, "record has no LAST fragment before the end of the log", -1);
                    }
                    done = true;
                    return null;
                }
                final String reason = result == ZERO ? "zero header followed by a valid fragment" : badReason;
                final String context = inRecord ? " (inside the record starting at offset " + recordStart + ")" : "";
                if (!corruption(badOffset, reason + context, after)) {
                    return null;
                }
                inRecord = false;
            }
        }
    }

    /** The offset of the first fragment of the record last returned by {@link #next()}, or -1 if none. */
    public long lastRecordOffset() {
        return lastRecordOffset;
    }

    /** The offset just past the last fragment of the record last returned by {@link #next()} (0 if none). */
    public long endOffset() {
        return endOffset;
    }

    /** The corruptions that the mode tolerated (skipped or dropped as the torn tail), in the order met. */
    public List<CorruptionException> skippedCorruptions() {
        return Collections.unmodifiableList(skipped);
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        file.close();
    }

    /**
     * Handles a corruption at {@code offset}; {@code validAfter} is the offset of the next valid fragment, or -1.
     *
     * @return true to keep reading (the reader is then positioned at {@code validAfter}), false if reading ended
     */
    private boolean corruption(final long offset, final String reason, final long validAfter)
        throws IOException {
        switch (mode) {
            case ABSOLUTE_CONSISTENCY:
                throw new CorruptionException(file.name(), offset, reason);
            case POINT_IN_TIME:
                skipped.add(new CorruptionException(file.name(), offset, reason + "; reading stopped here"));
                done = true;
                return false;
            case TOLERATE_CORRUPTED_TAIL:
                if (validAfter >= 0) {
                    throw new CorruptionException(file.name(), offset,
                        reason + "; a valid fragment follows at offset " + validAfter + ", so this is not a torn tail");
                }
                skipped.add(new CorruptionException(file.name(), offset, reason + "; dropped as the torn tail"));
                done = true;
                return false;
            case SKIP_ANY_CORRUPTED:
                skipped.add(new CorruptionException(file.name(), offset, reason + "; skipped"));
                if (validAfter < 0) {
                    done = true;
                    return false;
                }
                seek(validAfter);
                return true;
            default:
                throw new AssertionError(mode);
        }
    }

    /** Reads the next physical fragment at the current position; on OK the fragment fields are set. */
    private int readFragment() throws IOException {
        while (true) {
            if (blockLength - position < HEADER_SIZE) {
                if (blockLength == BLOCK_SIZE) {
                    loadBlock(blockStart + BLOCK_SIZE); // the rest of a full block is its trailer
                    continue;
                }
                if (position < blockLength && BLOCK_SIZE - position >= HEADER_SIZE) {
                    return bad(position, "header truncated by the end of the file");
                }
                return EOF;
            }
            final int p = position;
            if (RecordDescriptor.isZeroHeader(block, p)) {
                badOffset = blockStart + p;
                return ZERO;
            }
            final int length = Fixed.getShort(block, p + RecordDescriptor.LENGTH_OFFSET);
            final RecordType type = RecordType.fromCode(block[p + RecordDescriptor.TYPE_OFFSET] & 0xff);
            if (type == null) {
                return bad(p, "unknown fragment type " + (block[p + RecordDescriptor.TYPE_OFFSET] & 0xff));
            }
            if (p + HEADER_SIZE + length > BLOCK_SIZE) {
                return bad(p, "fragment length " + length + " runs past the end of its block");
            }
            if (p + HEADER_SIZE + length > blockLength) {
                return bad(p, "fragment of length " + length + " truncated by the end of the file");
            }
            final int stored = Crc32c.unmask(Fixed.getInt(block, p + RecordDescriptor.CRC_OFFSET));
            if (stored != RecordDescriptor.checksum(block, p, block, p + HEADER_SIZE, length)) {
                return bad(p, "checksum mismatch in " + type + " fragment of length " + length);
            }
            fragmentType = type;
            fragmentPosition = p + HEADER_SIZE;
            fragmentLength = length;
            fragmentOffset = blockStart + p;
            position = p + HEADER_SIZE + length;
            return OK;
        }
    }

    private int bad(final int positionInBlock, final String reason) {
        badOffset = blockStart + positionInBlock;
        badReason = reason;
        return BAD;
    }

    /**
     * Returns the offset of the first valid fragment at or after {@code from} (which lies in the loaded block, or
     * just past it), looking at every offset of the loaded block and at the start of every later block; -1 if none.
     */
    private long findValidFragment(final long from) throws IOException {
        long nextBlock = blockStart + BLOCK_SIZE;
        if (from < nextBlock) {
            for (int p = (int) (from - blockStart); p + HEADER_SIZE <= blockLength; p++) {
                if (RecordDescriptor.isValidFragment(block, 0, p, blockLength)) {
                    return blockStart + p;
                }
            }
        } else {
            nextBlock = (from + BLOCK_SIZE - 1) / BLOCK_SIZE * BLOCK_SIZE;
        }
        if (probe == null) {
            probe = new byte[BLOCK_SIZE];
        }
        final long size = file.size();
        for (long b = nextBlock; b + HEADER_SIZE <= size; b += BLOCK_SIZE) {
            final int header = file.read(b, probe, 0, HEADER_SIZE);
            if (header < HEADER_SIZE || RecordDescriptor.isZeroHeader(probe, 0)
                || RecordType.fromCode(probe[RecordDescriptor.TYPE_OFFSET] & 0xff) == null) {
                continue;
            }
            final int length = Fixed.getShort(probe, RecordDescriptor.LENGTH_OFFSET);
            final int wanted = Math.min(BLOCK_SIZE, HEADER_SIZE + length);
            final int n = HEADER_SIZE + file.read(b + HEADER_SIZE, probe, HEADER_SIZE, wanted - HEADER_SIZE);
            if (RecordDescriptor.isValidFragment(probe, 0, 0, n)) {
                return b;
            }
        }
        return -1;
    }

    private void seek(final long offset) throws IOException {
        final long start = offset - offset % BLOCK_SIZE;
        if (start != blockStart) {
            loadBlock(start);
        }
        position = (int) (offset - start);
    }

    private void loadBlock(final long start) throws IOException {
        blockStart = start;
        position = 0;
        int total = 0;
        while (total < BLOCK_SIZE) {
            final int n = file.read(start + total, block, total, BLOCK_SIZE - total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        blockLength = total;
    }

    private void appendScratch() {
        if (scratchLength + fragmentLength > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLength + fragmentLength));
        }
        System.arraycopy(block, fragmentPosition, scratch, scratchLength, fragmentLength);
        scratchLength += fragmentLength;
    }
}
