package io.github.camelk8s.leader.election;

/**
 * The timers the decision core arms. At most one of each kind is armed at a time; arming one again moves it. The
 * driver tells the core when one fires; a timer that fires after it was moved or cancelled is never reported.
 */
enum ElectionTimer {
    /** A follower: the observed holder's record has stayed unchanged for its leaseDurationSeconds. */
    EXPIRY,
    /** A leader: renewalInterval has passed since the last successful renewal. */
    RENEW,
    /** A leader: renewDeadline has passed since the last successful renewal was sent. */
    DEADLINE,
    /** After a failed request or repeated conflicts: try again. */
    RETRY,
    /** Every retryPeriod: read the Lease if the watch is down. */
    POLL,
    /** The end of a yield: compete again. */
    YIELD_END,
    /** Stopping or yielding: stop waiting for leader-only steps in flight. */
    DRAIN_TIMEOUT,
    /** A leader told not ready: readinessGracePeriod has passed. */
    READINESS_GRACE
}
