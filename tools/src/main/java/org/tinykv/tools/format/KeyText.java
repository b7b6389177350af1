package org.tinykv.tools.format;

import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.ValueKind;

/**
 * Renders the engine's internal keys ({@code user_key | trailer fixed64}, trailer {@code (seq << 8) | kind}, see
 * docs/formats/sst.md) as {@code hex "printable" seq=N KIND}.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class KeyText {

    private KeyText() {
    }

    /**
     * Describes the internal key in {@code k[off, off + len)}; a key shorter than its trailer is shown as malformed,
     * an empty one as {@code (none)}; an unknown kind code as {@code kind=N}.
     */
    public static String internal(final byte[] k, final int off, final int len) {
        if (len == 0) {
            return "(none)";
        }
        if (len < InternalKey.TRAILER_BYTES) {
            return "(malformed internal key " + Bytes.hex(k, off, len) + ")";
        }
        final long trailer = InternalKey.trailerOf(k, off, len);
        final int code = InternalKey.kindOf(trailer);
        final ValueKind kind = ValueKind.fromCode(code);
        final String kindText = kind != null ? kind.name() : code == ValueKind.SEEK_CODE ? "BOUND" : "kind=" + code;
        return Bytes.both(k, off, len - InternalKey.TRAILER_BYTES) + " seq=" + InternalKey.seqOf(trailer) + " "
            + kindText;
    }

    /** Describes a whole-array internal key. */
    public static String internal(final byte[] k) {
        return internal(k, 0, k.length);
    }
}
