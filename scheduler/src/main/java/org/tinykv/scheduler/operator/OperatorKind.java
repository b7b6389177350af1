package org.tinykv.scheduler.operator;

/** What created an operator; each kind has its own concurrency limit. */
public enum OperatorKind {
    /** Leader transfers of balance-leader. */
    LEADER("leader"),
    /** Replica moves of balance-region. */
    REGION("region"),
    /** Replica repairs of the replica checker. */
    REPLICA("replica");

    private final String label;

    OperatorKind(String label) {
        this.label = label;
    }

    /** Returns the lower-case name used in metrics and GetOperator. */
    public String label() {
        return label;
    }
}
