package org.tinykv.scheduler.operator;

import java.util.List;

import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.scheduler.cluster.RegionInfo;

/**
 * A sequence of steps applied to one region, created against a known region epoch and abandoned after
 * {@code timeoutMillis}. Mutable progress (current step, state) is guarded by the {@link OperatorController}
 * that owns it.
 */
public final class Operator {

    private final long regionId;
    private final RegionEpoch epoch;
    private final OperatorKind kind;
    private final String desc;
    private final List<Step> steps;
    private final long createdMillis;
    private final long timeoutMillis;
    private final long sizeMib;
    private int current;
    private OperatorState state = OperatorState.RUNNING;

    /** Creates a running operator on {@code region} (at its current epoch). */
    public Operator(RegionInfo region, OperatorKind kind, String desc, List<Step> steps, long createdMillis,
            long timeoutMillis) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("operator without steps");
        }
        this.regionId = region.id();
        this.epoch = region.epoch();
        this.kind = kind;
        this.desc = desc;
        this.steps = List.copyOf(steps);
        this.createdMillis = createdMillis;
        this.timeoutMillis = timeoutMillis;
        this.sizeMib = region.sizeMib();
    }

    /** Returns the region's size weight (MiB) at creation, used to foresee the operator's effect. */
    public long sizeMib() {
        return sizeMib;
    }

    /** Returns the region id. */
    public long regionId() {
        return regionId;
    }

    /** Returns the region epoch at creation. */
    public RegionEpoch epoch() {
        return epoch;
    }

    /** Returns the kind. */
    public OperatorKind kind() {
        return kind;
    }

    /** Returns a human-readable description. */
    public String desc() {
        return desc;
    }

    /** Returns the steps. */
    public List<Step> steps() {
        return steps;
    }

    /** Returns the creation time. */
    public long createdMillis() {
        return createdMillis;
    }

    /** Returns the state. */
    public OperatorState state() {
        return state;
    }

    /** Returns the index of the first unfinished step (steps().size() when all are done). */
    public int currentStep() {
        return current;
    }

    /** Returns whether the operator has run longer than its timeout at {@code nowMillis}. */
    public boolean isTimedOut(long nowMillis) {
        return nowMillis - createdMillis > timeoutMillis;
    }

    /** Advances past every step the region shows done; returns the step to do next, or null when all are done. */
    Step advance(RegionInfo region) {
        while (current < steps.size() && steps.get(current).isFinished(region)) {
            current++;
        }
        return current < steps.size() ? steps.get(current) : null;
    }

    void finish(OperatorState s) {
        this.state = s;
    }

    @Override
    public String toString() {
        return "Operator{region=" + regionId + ", kind=" + kind.label() + ", desc=" + desc + ", steps=" + steps
                + ", current=" + current + ", state=" + state + "}";
    }
}
