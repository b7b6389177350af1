package org.tinykv.tools.bench.raw;

/** What each operation of a raw benchmark does. */
public enum Workload {
    /** RawPut of a random key. */
    PUT,
    /** RawGet of a random key. */
    GET,
    /** RawGet or RawPut of a random key, with the read share given by {@code --read-percent}. */
    MIXED;

    /** The lower-case name used on the command line and in the RESULT line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
