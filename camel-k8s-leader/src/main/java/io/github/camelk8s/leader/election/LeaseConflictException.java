package io.github.camelk8s.leader.election;

/**
 * A write lost the optimistic-concurrency race: the Lease changed (or appeared) since it was read. Nothing can be
 * assumed about what the Lease holds now; the only correct reaction is to read it again.
 */
public class LeaseConflictException extends RuntimeException {

    public LeaseConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
