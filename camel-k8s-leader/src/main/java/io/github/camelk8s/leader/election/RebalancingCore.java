package io.github.camelk8s.leader.election;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One member's decision of which of its Leases to compete for, so that the group's Leases spread evenly
 * ({@link LeaseSpread}). Pure, like {@link ElectionCore}: no threads, no I/O, no clock; every input carries its
 * local monotonic time. The driver ({@link LeaseRebalancer}) feeds it what the member observes and starts or stops
 * the member's candidacy for each Lease as {@link #competeFor} says.
 * <p>
 * It competes for:
 * <ul>
 * <li>every Lease the spread gives it. It stops competing for a Lease the spread gives another member, which
 * releases the Lease if it leads it: the member the Lease is given to competes for it already, or will as soon as
 * it sees the same change, and takes it at watch speed;</li>
 * <li>any Lease that has had no live member as its holder for {@code grace} (leaseDuration): the member the spread
 * gives it to does not take it (it does not take part in that Lease, or cannot reach the API server), and a Lease
 * must not stay without a leader for longer than a crashed leader leaves it.</li>
 * </ul>
 * Which member leads is always decided by the election; this core only chooses the candidates. So every rule of the
 * election holds per Lease, whatever members decide, and a wrong decision costs only a move.
 * <p>
 * Not thread-safe: the driver calls it under one lock.
 */
final class RebalancingCore {

    private final String self;
    private final long graceNanos;
    private final Set<String> leases = new TreeSet<>();
    private final Map<String, String> holders = new HashMap<>();
    private Set<String> members = Set.of();
    /** Since when (local time) each Lease has had no live member as its holder; absent while one holds it. */
    private final Map<String, Long> unledSince = new TreeMap<>();

    RebalancingCore(String self, long graceNanos) {
        this.self = self;
        this.graceNanos = graceNanos;
    }

    /** The group's live members as observed at {@code nanos}: this member among them while it is one. */
    void members(Collection<String> live, long nanos) {
        members = Set.copyOf(live);
        leases.forEach(lease -> age(lease, nanos));
    }

    /** A Lease this member takes part in joins the spread. */
    void add(String lease, long nanos) {
        leases.add(lease);
        age(lease, nanos);
    }

    /** A Lease this member no longer takes part in leaves the spread. */
    void remove(String lease) {
        leases.remove(lease);
        unledSince.remove(lease);
    }

    /**
     * The Lease's holder as observed at {@code nanos}, "" when released. Kept for a Lease not (yet) in the spread
     * too: the namespace's watch may bring it before this member's route asks for it. Returns whether the holder
     * of a Lease in the spread changed, the only case in which {@link #competeFor} may change.
     */
    boolean holder(String lease, String holder, long nanos) {
        String before = holders.put(lease, holder);
        if (!leases.contains(lease) || holder.equals(before)) {
            return false;
        }
        age(lease, nanos);
        return true;
    }

    /** The Lease was deleted: it has no holder. */
    boolean deleted(String lease, long nanos) {
        return holder(lease, "", nanos);
    }

    /** The Leases to compete for at {@code nanos}, by name. */
    Set<String> competeFor(long nanos) {
        Set<String> compete = new TreeSet<>();
        if (members.contains(self)) {
            LeaseSpread.targets(members, leases, holders).forEach((lease, member) -> {
                if (member.equals(self)) {
                    compete.add(lease);
                }
            });
        }
        unledSince.forEach((lease, since) -> {
            if (nanos - since >= graceNanos) {
                compete.add(lease);
            }
        });
        return compete;
    }

    /** When {@link #competeFor} may next change without a new input: the next end of a grace, or MAX_VALUE. */
    long nextReview(long nanos) {
        long next = Long.MAX_VALUE;
        for (long since : unledSince.values()) {
            long end = since + graceNanos;
            if (end - nanos > 0) {
                next = Math.min(next, end);
            }
        }
        return next;
    }

    /** Starts or ends the grace of {@code lease}: it runs while no live member holds the Lease. */
    private void age(String lease, long nanos) {
        String holder = holders.getOrDefault(lease, "");
        if (members.contains(holder)) {
            unledSince.remove(lease);
        } else {
            unledSince.putIfAbsent(lease, nanos);
        }
    }
}
