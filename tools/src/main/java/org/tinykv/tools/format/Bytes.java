package org.tinykv.tools.format;

/**
 * Renders byte strings (keys, values) for humans: lowercase hex, and a quoted printable form in which printable
 * ASCII is kept and every other byte is escaped as {@code \xNN} (quote and backslash are escaped too), so the printed
 * text maps back to the exact bytes.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class Bytes {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Bytes() {
    }

    /** Lowercase hex of {@code b[off, off + len)}, two digits a byte, no separators; {@code ""} when empty. */
    public static String hex(final byte[] b, final int off, final int len) {
        final char[] out = new char[2 * len];
        for (int i = 0; i < len; i++) {
            final int v = b[off + i] & 0xff;
            out[2 * i] = HEX[v >>> 4];
            out[2 * i + 1] = HEX[v & 0xf];
        }
        return new String(out);
    }

    /** Lowercase hex of the whole array. */
    public static String hex(final byte[] b) {
        return hex(b, 0, b.length);
    }

    /** The quoted printable form of {@code b[off, off + len)}, e.g. {@code "k\x00\x01"}. */
    public static String printable(final byte[] b, final int off, final int len) {
        final StringBuilder sb = new StringBuilder(len + 2);
        sb.append('"');
        for (int i = 0; i < len; i++) {
            final int v = b[off + i] & 0xff;
            if (v == '"' || v == '\\') {
                sb.append('\\').append((char) v);
            } else if (v >= 0x20 && v < 0x7f) {
                sb.append((char) v);
            } else {
                sb.append("\\x").append(HEX[v >>> 4]).append(HEX[v & 0xf]);
            }
        }
        return sb.append('"').toString();
    }

    /** The quoted printable form of the whole array. */
    public static String printable(final byte[] b) {
        return printable(b, 0, b.length);
    }

    /** Both forms, {@code hex "printable"}; an empty string prints as {@code (empty) ""}. */
    public static String both(final byte[] b, final int off, final int len) {
        return (len == 0 ? "(empty)" : hex(b, off, len)) + " " + printable(b, off, len);
    }

    /** Both forms of the whole array. */
    public static String both(final byte[] b) {
        return both(b, 0, b.length);
    }
}
