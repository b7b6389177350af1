package org.tinykv.txn.engine;

/**
 * The column families of the transaction layer. The names are TinyKV's ({@code engine_util.CfDefault} etc.);
 * an engine maps them onto its own column families.
 */
public enum TxnCf {
    /** Values, keyed by {@code MvccKey.encode(userKey, startTs)}. */
    DEFAULT("default"),
    /** Locks, keyed by {@code MvccKey.lockKey(userKey)}. */
    LOCK("lock"),
    /** Write records, keyed by {@code MvccKey.encode(userKey, commitTs)}. */
    WRITE("write");

    private final String cfName;

    TxnCf(String cfName) {
        this.cfName = cfName;
    }

    /** The column family's name, as TinyKV spells it. */
    public String cfName() {
        return cfName;
    }

    /** The column family named {@code name}, or an {@link IllegalArgumentException}. */
    public static TxnCf fromName(String name) {
        for (TxnCf cf : values()) {
            if (cf.cfName.equals(name)) {
                return cf;
            }
        }
        throw new IllegalArgumentException("unknown column family: " + name);
    }
}
