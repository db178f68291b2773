package io.github.camelk8s.leader.demo;

import java.util.List;

/**
 * What the failover demo saw, in milliseconds since its pods were started, by the demo's own monotonic clock: when
 * each pod's leader-only route ran, who held the Lease as an observer's watch reported it and when each record
 * arrived, what the demo did to the pods, and the delays it measured. {@link FailoverTimelineSvg} draws it.
 *
 * @param title        what the picture shows
 * @param conditions   where and with which timings it ran
 * @param pods         one lane each, in this order
 * @param leading      the intervals in which a pod's leader-only route was running
 * @param holdings     the intervals in which the Lease named a holder ({@code ""}: released)
 * @param recordsSeen  when the observer saw a record with a holder: an acquisition or a renewal
 * @param actions      what the demo did to a pod
 * @param measurements the delays the demo measured
 * @param end          when the demo stopped watching
 */
record FailoverTimeline(String title, String conditions, List<String> pods, List<Leading> leading,
                        List<Holding> holdings, List<Long> recordsSeen, List<Action> actions,
                        List<Measurement> measurements, long end) {

    FailoverTimeline {
        pods = List.copyOf(pods);
        leading = List.copyOf(leading);
        holdings = List.copyOf(holdings);
        recordsSeen = List.copyOf(recordsSeen);
        actions = List.copyOf(actions);
        measurements = List.copyOf(measurements);
    }

    /** {@code pod}'s leader-only route ran from {@code from} to {@code to}. */
    record Leading(String pod, long from, long to) {
    }

    /** The Lease named {@code holder} from {@code from} to {@code to}; an empty holder is a released Lease. */
    record Holding(String holder, long from, long to) {
    }

    /** The demo stopped or killed {@code pod} at {@code at}. */
    record Action(Kind kind, String pod, long at) {

        enum Kind {
            /** A graceful stop: the pod stops its routes and releases the Lease. */
            STOP("stop"),
            /** The pod's connection is cut, then it stops: it can neither renew nor release. */
            KILL("kill");

            final String verb;

            Kind(String verb) {
                this.verb = verb;
            }
        }

        String label() {
            return kind.verb + " " + pod;
        }
    }

    /** A delay the demo measured, from {@code from} to {@code to}, named for what it is ("handover"). */
    record Measurement(String name, long from, long to) {

        long millis() {
            return to - from;
        }
    }
}
