package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Timings;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 3: one leader and four followers in steady state; requests each makes to the API server over a window,
 * per minute, counted at the server.
 */
final class ApiLoad {

    private static final Logger LOG = LoggerFactory.getLogger("bench");

    record Outcome(Impl impl, Timings timings, double leaderPerMinute, double leaderWritesPerMinute,
                   Samples followersPerMinute, long maxOpenWatches, long watchRequestsInWindow) {
    }

    private final Group group;
    private final Timings timings;
    private final Map<BenchmarkCandidate, CountingDispatcher.Snapshot> before = new LinkedHashMap<>();
    private long windowStart;

    ApiLoad(MockApiServer api, Impl impl, Timings timings) {
        this.timings = timings;
        this.group = new Group(impl, new Setup(api, new WorkLog(), "load-" + impl.key + "-" + timings.name(),
                "steady", timings));
    }

    /** Starts the five candidates and waits for a leader and steady state. */
    void prepare() throws Exception {
        long begin = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            group.add();
        }
        group.awaitWorking(begin, group.takeoverTimeout());
        group.awaitSettled();
        // past every start-up request (first reads, informer lists) and into the periodic pattern
        Benchmarks.sleep(timings.retryPeriod().toMillis() * 3);
    }

    void startWindow() {
        windowStart = System.nanoTime();
        for (BenchmarkCandidate c : group.candidates()) {
            before.put(c, group.setup.api().counts().snapshot(c.identity));
        }
    }

    Outcome endWindow() {
        double minutes = (System.nanoTime() - windowStart) / (double) Duration.ofMinutes(1).toNanos();
        CountingDispatcher dispatcher = group.setup.api().counts();
        Samples followers = new Samples();
        double leader = Double.NaN;
        double leaderWrites = Double.NaN;
        long maxOpen = 0;
        long watchRequests = 0;
        List<String> leaders = new ArrayList<>();
        for (BenchmarkCandidate c : group.candidates()) {
            CountingDispatcher.Snapshot delta = dispatcher.snapshot(c.identity).minus(before.get(c));
            maxOpen = Math.max(maxOpen, delta.openWatches());
            watchRequests += delta.watchRequests();
            boolean leading = group.setup.log().firstAfter(c.identity, windowStart) != 0;
            if (leading) {
                leaders.add(c.identity);
                leader = delta.requests() / minutes;
                leaderWrites = delta.leaseWrites() / minutes;
            } else {
                followers.add(delta.requests() / minutes);
            }
        }
        if (leaders.size() != 1) {
            throw new IllegalStateException(group.impl.label + ": expected one leader in the window, saw " + leaders);
        }
        LOG.info("  {} {}: leader {} requests/min, followers {} requests/min (max {})", group.impl.label,
                timings.name(), Results.number(leader), Results.number(followers.p50()),
                Results.number(followers.max()));
        return new Outcome(group.impl, timings, leader, leaderWrites, followers, maxOpen, watchRequests);
    }

    void close() {
        group.close();
    }
}
