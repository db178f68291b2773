package io.github.camelk8s.leader.election;

import java.time.Instant;

/**
 * What one candidate has done since it started, for health checks, metrics and management. A snapshot: the
 * counters never decrease, the times are wall-clock readings of the elector's clock, for display only (no
 * decision compares them with anything).
 *
 * @param acquisitions    how many times this candidate became leader (one per {@code elected})
 * @param losses          how many times it stopped being leader (one per {@code lost}, including on stop)
 * @param conflicts       how many of its writes the API server rejected because the Lease had changed (HTTP 409)
 * @param errors          how many of its attempts failed for another reason (unreachable, 403, 5xx, timeout)
 * @param lastRenewal     when its last successful acquisition or renewal completed; null if it never led
 * @param lastObservation when it last learnt what the Lease holds (a read, a write's answer or a watch event);
 *                        null if never
 */
public record ElectionStatistics(long acquisitions, long losses, long conflicts, long errors, Instant lastRenewal,
        Instant lastObservation) {
}
