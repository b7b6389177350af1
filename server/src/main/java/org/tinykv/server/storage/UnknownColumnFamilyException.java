package org.tinykv.server.storage;

/**
 * A request named a column family that this store does not have. It is the client's mistake, reported in the
 * response's {@code error} field, never a server failure.
 */
public final class UnknownColumnFamilyException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for the column family name {@code name} as the client sent it. */
    public UnknownColumnFamilyException(final String name) {
        super("unknown column family \"" + name + "\": this store has default, lock and write");
    }
}
