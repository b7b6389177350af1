package org.tinykv.lsm;

/**
 * Column families, with fixed on-disk ids (written into WAL batches and the manifest; never renumber).
 */
public enum Cf {
    /** Values of the MVCC data ({@code CF_DEFAULT}). */
    DEFAULT(0, "default"),
    /** Percolator locks ({@code CF_LOCK}). */
    LOCK(1, "lock"),
    /** Commit records ({@code CF_WRITE}). */
    WRITE(2, "write"),
    /** Raft logs and states ({@code CF_RAFT}). */
    RAFT(3, "raft");

    private final int id;
    private final String cfName;

    Cf(final int id, final String cfName) {
        this.id = id;
        this.cfName = cfName;
    }

    /** The on-disk id. */
    public int id() {
        return id;
    }

    /** The name TiKV uses. */
    public String cfName() {
        return cfName;
    }

    /** Returns the family with {@code id}; throws IllegalArgumentException if unknown. */
    public static Cf fromId(final int id) {
        for (final Cf c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown column family id " + id);
    }

    /** Returns the family named {@code name}, or null if unknown. */
    public static Cf fromName(final String name) {
        for (final Cf c : values()) {
            if (c.cfName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
