package org.tinykv.tools.wal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.tools.format.Bytes;
import org.tinykv.wal.CorruptionException;

/**
 * Decodes WAL records as write batches with the engine's {@link WriteBatch#decode} and prints every operation with
 * its sequence number, kind and column family; sums them up by kind and column family. Sequence numbers are
 * expected to continue from one record to the next; a gap or overlap is counted and shown in the summary (it is
 * not corruption of the file, but worth a look).
 *
 * <p>Thread-safety: confined to one thread.
 */
final class BatchPrinter implements RecordPrinter {

    /** One decoded operation. */
    private record Op(ValueKind kind, Cf cf, byte[] key, byte[] value) {
    }

    private final boolean values;
    private final Map<Cf, long[]> perCf = new EnumMap<>(Cf.class);
    private final Map<ValueKind, long[]> perKind = new EnumMap<>(ValueKind.class);
    private long batches;
    private long keyBytes;
    private long valueBytes;
    private long minSeq = -1;
    private long maxSeq = -1;
    private long expectedSeq = -1;
    private long seqBreaks;

    BatchPrinter(final boolean values) {
        this.values = values;
    }

    @Override
    public void record(final String file, final long offset, final byte[] payload, final boolean quiet,
                       final PrintWriter out) throws CorruptionException {
        final List<Op> ops = new ArrayList<>();
        final long seq;
        try {
            seq = WriteBatch.decode(payload, new WriteBatch.Handler() {
                @Override
                public void put(final Cf cf, final byte[] key, final byte[] value) {
                    ops.add(new Op(ValueKind.PUT, cf, key, value));
                }

                @Override
                public void delete(final Cf cf, final byte[] key) {
                    ops.add(new Op(ValueKind.DELETE, cf, key, null));
                }

                @Override
                public void deleteRange(final Cf cf, final byte[] begin, final byte[] end) {
                    ops.add(new Op(ValueKind.RANGE_DELETE, cf, begin, end));
                }
            });
        } catch (final CorruptionException e) {
            throw new CorruptionException(file, offset, "bad write batch: " + reason(e));
        }
        count(seq, ops);
        if (!quiet) {
            out.println("    batch seq " + seq + " count " + ops.size());
            for (int i = 0; i < ops.size(); i++) {
                out.println("      " + describe(seq + i, ops.get(i)));
            }
        }
    }

    /** The reason of a decoder exception without its placeholder file and offset. */
    private static String reason(final CorruptionException e) {
        final String prefix = "corruption in " + e.file() + " at offset " + e.offset() + ": ";
        final String m = e.getMessage();
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
    }

    private void count(final long seq, final List<Op> ops) {
        batches++;
        if (expectedSeq >= 0 && seq != expectedSeq) {
            seqBreaks++;
        }
        expectedSeq = seq + ops.size();
        if (!ops.isEmpty()) {
            minSeq = minSeq < 0 ? seq : Math.min(minSeq, seq);
            maxSeq = Math.max(maxSeq, seq + ops.size() - 1);
        }
        for (final Op op : ops) {
            perKind.computeIfAbsent(op.kind(), k -> new long[1])[0]++;
            perCf.computeIfAbsent(op.cf(), c -> new long[1])[0]++;
            keyBytes += op.key().length;
            valueBytes += op.value() == null ? 0 : op.value().length;
        }
    }

    private String describe(final long seq, final Op op) {
        final String head = "seq " + seq + " " + op.kind() + " cf " + op.cf().cfName() + " key "
            + Bytes.both(op.key());
        return switch (op.kind()) {
            case DELETE -> head;
            case RANGE_DELETE -> head + " end " + Bytes.both(op.value());
            case PUT -> head + (values ? " value " + Bytes.both(op.value()) : " value_size=" + op.value().length);
        };
    }

    private long kindCount(final ValueKind kind) {
        final long[] n = perKind.get(kind);
        return n == null ? 0 : n[0];
    }

    @Override
    public void summary(final PrintWriter out) {
        final long puts = kindCount(ValueKind.PUT);
        final long deletes = kindCount(ValueKind.DELETE);
        final long ranges = kindCount(ValueKind.RANGE_DELETE);
        out.println("  write batches: " + batches + ", operations " + (puts + deletes + ranges) + " (puts " + puts
            + ", deletes " + deletes + ", range deletes " + ranges + ")");
        final StringBuilder cfs = new StringBuilder("  per column family:");
        if (perCf.isEmpty()) {
            cfs.append(" none");
        }
        perCf.forEach((cf, n) -> cfs.append(' ').append(cf.cfName()).append('=').append(n[0]));
        out.println(cfs);
        out.println("  sequence numbers " + (minSeq < 0 ? "none" : minSeq + ".." + maxSeq) + ", key bytes "
            + keyBytes + ", value bytes " + valueBytes
            + (seqBreaks > 0 ? ", sequence gaps/overlaps " + seqBreaks : ""));
    }
}
