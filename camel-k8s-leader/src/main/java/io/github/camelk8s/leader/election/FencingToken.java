package io.github.camelk8s.leader.election;

import java.time.Instant;

/**
 * The number of one term of a Lease, for the resource that leader-only work writes to: a store that remembers the
 * highest token it has accepted and refuses a write carrying a lower one cannot be changed by a leader whose term
 * is over, however long that leader was paused or cut off. Leadership validity (renewDeadline) stops a leader from
 * <em>beginning</em> work after its term; only a check at the resource can stop a write already under way.
 * <p>
 * {@link #value()} is {@code createdSecond * 1,000,000,000 + leaseTransitions}: the second of the Lease's
 * creationTimestamp (set by the API server), then the record's leaseTransitions. Every new term adds one to
 * leaseTransitions (this elector does so also when it takes back its own expired record), so within one Lease
 * object the value grows with every term; a Lease deleted and created again starts its count at 0 but has a later
 * creationTimestamp, so its tokens are greater than all of the deleted one's. Every exchange of one term carries
 * the same value. The order holds only
 * <ul>
 * <li>while leaseTransitions stays between 0 and 999,999,999 and nobody lowers it by hand,</li>
 * <li>and for a re-created Lease, when it is created in a later second than the deleted one was, by API server
 * clocks that agree (one server, or servers in sync).</li>
 * </ul>
 * {@code createdSecond} is 0 where the Lease carried no creationTimestamp (the value is then leaseTransitions
 * alone).
 *
 * @param createdSecond    the Lease's creationTimestamp, in seconds since the epoch; 0 if it had none
 * @param leaseTransitions the leaseTransitions of the record that began the term
 */
public record FencingToken(long createdSecond, int leaseTransitions) implements Comparable<FencingToken> {

    /** How much one second of creationTimestamp weighs against leaseTransitions. */
    private static final long PER_SECOND = 1_000_000_000L;

    /** The token of the term that the write answered by {@code written} began. */
    static FencingToken of(LeaseSnapshot written) {
        Instant created = written.created();
        return new FencingToken(created == null ? 0 : created.getEpochSecond(), written.record().leaseTransitions());
    }

    /** The token as one number, the form the header carries: compare tokens by it. */
    public long value() {
        return createdSecond * PER_SECOND + leaseTransitions;
    }

    @Override
    public int compareTo(FencingToken other) {
        return Long.compare(value(), other.value());
    }

    @Override
    public String toString() {
        return Long.toString(value());
    }
}
