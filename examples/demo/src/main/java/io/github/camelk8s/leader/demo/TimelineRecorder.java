package io.github.camelk8s.leader.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.demo.FailoverTimeline.Action;
import io.github.camelk8s.leader.demo.FailoverTimeline.Holding;
import io.github.camelk8s.leader.demo.FailoverTimeline.Leading;
import io.github.camelk8s.leader.demo.FailoverTimeline.Measurement;
import io.github.camelk8s.leader.testsupport.Pod;

/**
 * Notes what the failover demo does and sees on its monotonic clock ({@link System#nanoTime()}), and turns it into
 * a {@link FailoverTimeline} at the end. The Lease records come from the observer's watch thread; the rest from
 * the demo's own thread; the pods' leader intervals are read from their route start and stop events last.
 */
final class TimelineRecorder {

    /** A Lease record as the observer's watch delivered it: its holder ({@code ""}: released) and when. */
    private record Seen(String holder, long nanos) {
    }

    private final List<Seen> records = new CopyOnWriteArrayList<>();
    private final List<Action> actions = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private volatile long origin = System.nanoTime();

    /** Time 0 of the timeline: now, as the pods are about to start. */
    long start() {
        origin = System.nanoTime();
        return origin;
    }

    /** The observer saw a record naming {@code holder} ({@code ""} or null: released, or the Lease deleted). */
    void recordSeen(String holder) {
        records.add(new Seen(holder == null ? "" : holder, System.nanoTime()));
    }

    /** When the observer last saw a record naming {@code holder}: the start of its Lease's expiry. */
    long lastRecordOf(String holder, long otherwise) {
        long last = otherwise;
        for (Seen seen : records) {
            if (seen.holder().equals(holder)) {
                last = seen.nanos();
            }
        }
        return last;
    }

    void action(Action.Kind kind, String pod, long nanos) {
        actions.add(new Action(kind, pod, millis(nanos)));
    }

    /** A delay measured from {@code fromNanos} to {@code toNanos}, with the milliseconds the demo prints for it. */
    void measured(String name, long fromNanos, long toNanos) {
        long from = millis(fromNanos);
        measurements.add(new Measurement(name, from, from + TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos)));
    }

    /**
     * The timeline up to {@code endNanos}: each pod's intervals with {@code routeId} started (one still running at
     * the end is cut there), the Lease's holders with every record seen, the actions and measurements noted.
     */
    FailoverTimeline timeline(String title, String conditions, List<Pod> pods, String routeId, long endNanos) {
        long end = millis(endNanos);
        List<Leading> leading = new ArrayList<>();
        for (Pod pod : pods) {
            Long since = null;
            for (Pod.RouteChange change : pod.routeChanges()) {
                if (!change.routeId().equals(routeId)) {
                    continue;
                }
                if (change.started() && since == null) {
                    since = millis(change.nanos());
                } else if (!change.started() && since != null) {
                    leading.add(new Leading(pod.name(), since, millis(change.nanos())));
                    since = null;
                }
            }
            if (since != null) {
                leading.add(new Leading(pod.name(), since, end));
            }
        }
        return new FailoverTimeline(title, conditions, pods.stream().map(Pod::name).toList(), leading,
                holdings(end), records.stream().filter(s -> !s.holder().isEmpty()).map(s -> millis(s.nanos()))
                .toList(), actions, measurements, end);
    }

    /** One interval per holder, from the first record naming it to the first naming another. */
    private List<Holding> holdings(long end) {
        List<Holding> holdings = new ArrayList<>();
        String holder = null;
        long since = 0;
        for (Seen seen : records) {
            if (!seen.holder().equals(holder)) {
                if (holder != null) {
                    holdings.add(new Holding(holder, since, millis(seen.nanos())));
                }
                holder = seen.holder();
                since = millis(seen.nanos());
            }
        }
        if (holder != null) {
            holdings.add(new Holding(holder, since, end));
        }
        return holdings;
    }

    private long millis(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos - origin));
    }
}
