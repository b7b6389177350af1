package org.tinykv.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another open store of this process) holds the data directory's {@code LOCK} file. */
public final class DataDirLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for the data directory {@code dataDir}, with the lock failure as the cause. */
    public DataDirLockedException(final Path dataDir, final IOException cause) {
        super("data directory " + dataDir + " is in use by another tinykv-server (its lock file "
            + dataDir.resolve(StandaloneStorage.LOCK_FILE) + " is held); stop that server or choose another -path",
            cause);
    }
}
