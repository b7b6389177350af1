package org.tinykv.server.pd;

import java.io.IOException;
import org.tinykv.proto.schedulerpb.ErrorType;

/**
 * The scheduler answered a request with an error in its response header (for example
 * {@code ALREADY_BOOTSTRAPPED}, {@code NOT_BOOTSTRAPPED}, {@code STORE_TOMBSTONE}); the message is the scheduler's.
 */
public final class SchedulerErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The header's error type. */
    private final ErrorType type;

    /** An error of {@code rpc} with the header's {@code type} and {@code message}. */
    public SchedulerErrorException(final String rpc, final ErrorType type, final String message) {
        super("scheduler " + rpc + ": " + type + ": " + message);
        this.type = type;
    }

    /** The header's error type. */
    public ErrorType type() {
        return type;
    }
}
