package io.github.camelk8s.leader.election;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Deliberately broken rebalancing decisions, each breaking one rule of {@link RebalancingCore} or
 * {@link LeaseSpread}: the rebalancing simulator must catch every one ({@link RebalancingMutantsTest}). Each sees
 * the inputs of a real core and changes what the member competes for. One that survives shows a change the
 * schedules do not make or a rule the checker does not judge.
 */
enum RebalancingMutants {

    /** A member over its share keeps competing for every Lease it leads: nothing is ever handed over. */
    NEVER_HANDS_OVER {
        @Override
        Set<String> competeFor(Broken decision, long nanos) {
            Set<String> compete = new TreeSet<>(decision.real.competeFor(nanos));
            decision.holders.forEach((lease, holder) -> {
                if (holder.equals(decision.self) && decision.leases.contains(lease)) {
                    compete.add(lease);
                }
            });
            return compete;
        }
    },

    /**
     * The spread by identity and name alone, as if nobody led anything: the larger shares and the Leases go by
     * identity, not to the members that lead them, so the spread settles but moves more Leases than it needs to.
     * Grace is kept.
     */
    IGNORES_WHAT_IS_LED {
        @Override
        Set<String> competeFor(Broken decision, long nanos) {
            Set<String> compete = new TreeSet<>(decision.real.competeFor(nanos));
            compete.removeAll(decision.targets(decision.holders));
            compete.addAll(decision.targets(Map.of()));
            return compete;
        }
    },

    /**
     * A grace of zero: every member competes at once for a Lease that no live member holds, a released one
     * included, so a Lease handed over is raced for and may land with a member over its share.
     */
    NO_GRACE_PERIOD {
        @Override
        Rebalancing.Maker maker() {
            return (self, grace) -> Rebalancing.REAL.make(self, 0);
        }

        @Override
        Set<String> competeFor(Broken decision, long nanos) {
            throw new UnsupportedOperationException("the real decision, made with a grace of zero");
        }
    };

    abstract Set<String> competeFor(Broken decision, long nanos);

    long nextReview(Broken decision, long nanos) {
        return decision.real.nextReview(nanos);
    }

    Rebalancing.Maker maker() {
        return (self, grace) -> new Broken(this, self, Rebalancing.REAL.make(self, grace));
    }

    /** The real decision, fed every input, and what the inputs were, for the mutant to decide from. */
    static final class Broken implements Rebalancing {
        private final RebalancingMutants mutant;
        final String self;
        final Rebalancing real;
        final Set<String> leases = new TreeSet<>();
        final Map<String, String> holders = new HashMap<>();
        Set<String> members = Set.of();

        Broken(RebalancingMutants mutant, String self, Rebalancing real) {
            this.mutant = mutant;
            this.self = self;
            this.real = real;
        }

        /** The Leases the spread gives this member, with the holders as given; none while not a member. */
        Set<String> targets(Map<String, String> holdersSeen) {
            Map<String, String> spread = members.contains(self) ? LeaseSpread.targets(members, leases, holdersSeen)
                    : Map.of();
            return spread.keySet().stream().filter(lease -> spread.get(lease).equals(self))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        @Override
        public void members(Collection<String> live, long nanos) {
            members = Set.copyOf(live);
            real.members(live, nanos);
        }

        @Override
        public void add(String lease, long nanos) {
            leases.add(lease);
            real.add(lease, nanos);
        }

        @Override
        public void holder(String lease, String holder, long nanos) {
            holders.put(lease, holder);
            real.holder(lease, holder, nanos);
        }

        @Override
        public void deleted(String lease, long nanos) {
            holders.put(lease, "");
            real.deleted(lease, nanos);
        }

        @Override
        public Set<String> competeFor(long nanos) {
            return mutant.competeFor(this, nanos);
        }

        @Override
        public long nextReview(long nanos) {
            return mutant.nextReview(this, nanos);
        }
    }
}
