package org.tinykv.lsm.version;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.wal.codec.Varint;

/**
 * A change to the set of table files and counters, one manifest record. Encoded as tagged fields; tags are written
 * to disk and never renumbered. See docs/formats/manifest.md.
 *
 * <p>Thread-safety: confined to one thread until logged.
 */
public final class VersionEdit {

    static final int TAG_LOG_NUMBER = 2;
    static final int TAG_NEXT_FILE = 3;
    static final int TAG_LAST_SEQ = 4;
    static final int TAG_DELETED_FILE = 5;
    static final int TAG_NEW_FILE = 6;

    /** A file removed from a level. @param cf column family id @param level level @param number file number */
    public record Deleted(int cf, int level, long number) {
    }

    /** A file added to a level. @param cf column family id @param level level @param file its metadata */
    public record Added(int cf, int level, FileMetadata file) {
    }

    private long logNumber = -1;
    private long nextFileNumber = -1;
    private long lastSequence = -1;
    private final List<Deleted> deleted = new ArrayList<>();
    private final List<Added> added = new ArrayList<>();

    /** Sets the number of the oldest WAL still needed. */
    public VersionEdit logNumber(final long n) {
        logNumber = n;
        return this;
    }

    /** Sets the next file number. */
    public VersionEdit nextFileNumber(final long n) {
        nextFileNumber = n;
        return this;
    }

    /** Sets the last sequence number. */
    public VersionEdit lastSequence(final long n) {
        lastSequence = n;
        return this;
    }

    /** Removes a file. */
    public VersionEdit delete(final int cf, final int level, final long number) {
        deleted.add(new Deleted(cf, level, number));
        return this;
    }

    /** Adds a file. */
    public VersionEdit add(final int cf, final int level, final FileMetadata file) {
        added.add(new Added(cf, level, file));
        return this;
    }

    /** The log number, or -1. */
    public long logNumber() {
        return logNumber;
    }

    /** The next file number, or -1. */
    public long nextFileNumber() {
        return nextFileNumber;
    }

    /** The last sequence, or -1. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Deleted files. */
    public List<Deleted> deleted() {
        return deleted;
    }

    /** Added files. */
    public List<Added> added() {
        return added;
    }

    /** Encodes the edit as a manifest record. */
    public byte[] encode() {
        int size = 64;
        for (final Added a : added) {
            size += 100 + a.file().smallest().length + a.file().largest().length;
        }
        size += deleted.size() * 30;
        final byte[] out = new byte[size];
        int p = 0;
        if (logNumber >= 0) {
            p = Varint.put(out, Varint.put(out, p, TAG_LOG_NUMBER), logNumber);
        }
        if (nextFileNumber >= 0) {
            p = Varint.put(out, Varint.put(out, p, TAG_NEXT_FILE), nextFileNumber);
        }
        if (lastSequence >= 0) {
            p = Varint.put(out, Varint.put(out, p, TAG_LAST_SEQ), lastSequence);
        }
        for (final Deleted d : deleted) {
            p = Varint.put(out, p, TAG_DELETED_FILE);
            p = Varint.put(out, p, d.cf());
            p = Varint.put(out, p, d.level());
            p = Varint.put(out, p, d.number());
        }
        for (final Added a : added) {
            final FileMetadata f = a.file();
            p = Varint.put(out, p, TAG_NEW_FILE);
            p = Varint.put(out, p, a.cf());
            p = Varint.put(out, p, a.level());
            p = Varint.put(out, p, f.number());
            p = Varint.put(out, p, f.size());
            p = putBytes(out, p, f.smallest());
            p = putBytes(out, p, f.largest());
            p = Varint.put(out, p, f.smallestSeq());
            p = Varint.put(out, p, f.largestSeq());
            p = Varint.put(out, p, f.globalSeq() + 1);
            p = Varint.put(out, p, f.entries());
            p = Varint.put(out, p, f.rangeDeletes());
        }
        return Arrays.copyOf(out, p);
    }

    private static int putBytes(final byte[] out, final int p, final byte[] v) {
        final int q = Varint.put(out, p, v.length);
        System.arraycopy(v, 0, out, q, v.length);
        return q + v.length;
    }

    /** Decodes a manifest record; throws IOException on malformed input. */
    public static VersionEdit decode(final byte[] in) throws IOException {
        final VersionEdit e = new VersionEdit();
        final Varint.Cursor c = new Varint.Cursor(0);
        final int n = in.length;
        while (c.position() < n) {
            final int tag = Varint.getInt(in, c, n);
            switch (tag) {
                case TAG_LOG_NUMBER -> e.logNumber = Varint.get(in, c, n);
                case TAG_NEXT_FILE -> e.nextFileNumber = Varint.get(in, c, n);
                case TAG_LAST_SEQ -> e.lastSequence = Varint.get(in, c, n);
                case TAG_DELETED_FILE -> e.deleted.add(new Deleted(Varint.getInt(in, c, n), Varint.getInt(in, c, n),
                    Varint.get(in, c, n)));
                case TAG_NEW_FILE -> {
                    final int cf = Varint.getInt(in, c, n);
                    final int level = Varint.getInt(in, c, n);
                    final long number = Varint.get(in, c, n);
                    final long size = Varint.get(in, c, n);
                    final byte[] smallest = getBytes(in, c);
                    final byte[] largest = getBytes(in, c);
                    final long sSeq = Varint.get(in, c, n);
                    final long lSeq = Varint.get(in, c, n);
                    final long gSeq = Varint.get(in, c, n) - 1;
                    final long entries = Varint.get(in, c, n);
                    final long ranges = Varint.get(in, c, n);
                    e.added.add(new Added(cf, level,
                        new FileMetadata(number, size, smallest, largest, sSeq, lSeq, gSeq, entries, ranges)));
                }
                default -> throw new IOException("unknown manifest tag " + tag + " at " + c.position());
            }
        }
        for (final Added a : e.added) {
            if (a.level() < 0 || a.level() >= Version.NUM_LEVELS || a.cf() < 0 || a.cf() >= Version.MAX_CFS) {
                throw new IOException("bad level or column family in manifest edit");
            }
        }
        return e;
    }

    private static byte[] getBytes(final byte[] in, final Varint.Cursor c) throws IOException {
        final int len = Varint.getInt(in, c, in.length);
        if (len < 0 || (long) c.position() + len > in.length) {
            throw new IOException("key overruns manifest record");
        }
        final byte[] out = Arrays.copyOfRange(in, c.position(), c.position() + len);
        c.skip(len);
        return out;
    }
}
