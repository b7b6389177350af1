package org.tinykv.scheduler.operator;

import org.tinykv.proto.schedulerpb.OperatorStatus;

/** Lifecycle of an operator, with the wire value of schedulerpb.OperatorStatus it reports. */
public enum OperatorState {
    RUNNING(OperatorStatus.RUNNING),
    SUCCESS(OperatorStatus.SUCCESS),
    TIMEOUT(OperatorStatus.TIMEOUT),
    CANCEL(OperatorStatus.CANCEL),
    REPLACE(OperatorStatus.REPLACE);

    private final OperatorStatus wire;

    OperatorState(OperatorStatus wire) {
        this.wire = wire;
    }

    /** Returns the protocol value. */
    public OperatorStatus wire() {
        return wire;
    }
}
