package io.github.camelk8s.leader.election;

import java.util.Collection;
import java.util.Set;

/**
 * A member's rebalancing decision as a {@link SimulatedMember} drives it: the inputs and outputs of
 * {@link RebalancingCore}, so that a deliberately broken variant ({@link RebalancingMutants}) can stand in for it.
 */
interface Rebalancing {

    /** Makes the decision of one member, {@code self}, whose grace is {@code graceNanos}. */
    @FunctionalInterface
    interface Maker {
        Rebalancing make(String self, long graceNanos);
    }

    /** The production decision. */
    Maker REAL = (self, grace) -> of(new RebalancingCore(self, grace));

    void members(Collection<String> live, long nanos);

    void add(String lease, long nanos);

    void holder(String lease, String holder, long nanos);

    void deleted(String lease, long nanos);

    Set<String> competeFor(long nanos);

    long nextReview(long nanos);

    static Rebalancing of(RebalancingCore core) {
        return new Rebalancing() {
            @Override
            public void members(Collection<String> live, long nanos) {
                core.members(live, nanos);
            }

            @Override
            public void add(String lease, long nanos) {
                core.add(lease, nanos);
            }

            @Override
            public void holder(String lease, String holder, long nanos) {
                core.holder(lease, holder, nanos);
            }

            @Override
            public void deleted(String lease, long nanos) {
                core.deleted(lease, nanos);
            }

            @Override
            public Set<String> competeFor(long nanos) {
                return core.competeFor(nanos);
            }

            @Override
            public long nextReview(long nanos) {
                return core.nextReview(nanos);
            }
        };
    }
}
