package io.github.camelk8s.leader.election;

/**
 * One request on its way to the simulated API server, with what the invariants need to know about it: who sent
 * it, when by the virtual timeline and by the sender's own monotonic clock, and where it landed in the Lease's
 * history if it was applied.
 */
final class SimulatedRequest {

    enum Verb {
        GET,
        CREATE,
        UPDATE
    }

    final SimulatedProcess sender;
    final Verb verb;
    /** The record to write; null for a GET. */
    final LeaseRecord record;
    /** The resourceVersion an update is conditional on: null for an unconditional one, a GET and a CREATE. */
    final String baseVersion;
    /** The incarnation of the sender that sent it: only it may hear the answer. */
    final int incarnation;
    final long sentAt;
    final long sentLocal;
    /** The version of the Lease this write made, in the order of content changes; -1 until applied. */
    long version = -1;

    SimulatedRequest(SimulatedProcess sender, Verb verb, LeaseRecord record, String baseVersion) {
        this.sender = sender;
        this.verb = verb;
        this.record = record;
        this.baseVersion = baseVersion;
        this.incarnation = sender.incarnation();
        this.sentAt = sender.time.now();
        this.sentLocal = sender.clock.nanoTime();
    }

    boolean isWrite() {
        return verb != Verb.GET;
    }

    /** A write clearing the holder: a release. */
    boolean isRelease() {
        return isWrite() && !record.isHeld();
    }

    String describe() {
        return switch (verb) {
            case GET -> "GET";
            case CREATE -> "CREATE " + Trace.describe(record);
            case UPDATE -> "UPDATE " + Trace.describe(record) + " if rv=" + baseVersion;
        };
    }
}
