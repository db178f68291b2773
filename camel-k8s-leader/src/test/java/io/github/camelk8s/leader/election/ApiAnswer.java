package io.github.camelk8s.leader.election;

/**
 * What a client is told about one request: the Lease (OK; null for a GET of an absent Lease), a 409, or a failure
 * (an HTTP error, a refused connection, a timeout), which says nothing about whether a write was applied.
 */
record ApiAnswer(Kind kind, LeaseSnapshot lease, String failure) {

    enum Kind {
        OK,
        CONFLICT,
        FAILED
    }

    static final ApiAnswer CONFLICT = new ApiAnswer(Kind.CONFLICT, null, "HTTP 409 Conflict");
    static final ApiAnswer NOT_FOUND = failed("HTTP 404 Not Found");
    static final ApiAnswer REFUSED = failed("connection refused");
    static final ApiAnswer TIMED_OUT = failed("request timed out");
    static final ApiAnswer RESET = failed("connection reset");
    static final ApiAnswer UNAVAILABLE = failed("HTTP 503 Service Unavailable");
    static final ApiAnswer GATEWAY_TIMEOUT = failed("HTTP 504 Gateway Timeout");
    static final ApiAnswer THROTTLED = failed("HTTP 429 Too Many Requests");

    static ApiAnswer ok(LeaseSnapshot lease) {
        return new ApiAnswer(Kind.OK, lease, null);
    }

    private static ApiAnswer failed(String failure) {
        return new ApiAnswer(Kind.FAILED, null, failure);
    }

    /** The exception the driver expects for this answer (none for OK); without a stack trace, which costs. */
    RuntimeException exception() {
        return switch (kind) {
            case OK -> null;
            case CONFLICT -> new StacklessConflict(failure);
            case FAILED -> new StacklessFailure(failure);
        };
    }

    private static final class StacklessConflict extends LeaseConflictException {
        StacklessConflict(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final class StacklessFailure extends RuntimeException {
        StacklessFailure(String message) {
            super(message, null, false, false);
        }
    }
}
