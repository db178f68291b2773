package io.github.camelk8s.leader.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenarios 1 and 2 on one rolling group: the leader stops gracefully (its CamelContext stops) or crashes (its
 * requests stop reaching the API server and its context goes away without releasing); we time until another
 * candidate's leader-only route processes its first exchange, then replace the departed candidate and let the group
 * settle before the next repetition.
 */
final class Handover {

    private static final Logger LOG = LoggerFactory.getLogger("bench");

    /** Figures one group adds to. */
    record Figures(Samples graceful, Samples crashSinceRenewal, Samples crashSinceCrash, AtomicInteger overlaps) {
    }

    private Handover() {
    }

    static void run(Group group, int size, int warmups, int gracefulReps, int crashReps, Figures figures)
            throws Exception {
        WorkLog log = group.setup.log();
        long begin = System.nanoTime();
        for (int i = 0; i < size; i++) {
            group.add();
        }
        BenchmarkCandidate leader = group.awaitWorking(begin, group.takeoverTimeout());
        group.awaitSettled();
        // warm-ups (not counted) are of the kind the group measures first: graceful, or crash if it has none
        int graceful = gracefulReps > 0 ? -warmups : 0;
        int crashes = gracefulReps > 0 ? 0 : -warmups;
        while (graceful < gracefulReps || crashes < crashReps) {
            boolean crash = crashes < crashReps
                            && (graceful >= gracefulReps || graceful >= 0 && crashes <= graceful);
            BenchmarkCandidate next;
            long t0 = System.nanoTime();
            if (crash) {
                leader.crash();
                next = group.awaitWorking(t0, group.takeoverTimeout());
                long first = log.firstAfter(next.identity, t0);
                // read after the take-over: a renewal that was in flight at the crash may still have landed
                long lastRenewal = group.setup.api().counts().lastLeaseWriteNanos(leader.identity);
                if (crashes >= 0) {
                    figures.crashSinceRenewal.add(ms(first - lastRenewal));
                    figures.crashSinceCrash.add(ms(first - t0));
                }
                crashes++;
                LOG.info("  {} {} crash take-over{}: {} ms after the last renewal, {} ms after the crash",
                        group.impl.label, group.setup.timings().name(), crashes <= 0 ? " (warm-up)" : " #" + crashes,
                        Math.round(ms(first - lastRenewal)), Math.round(ms(first - t0)));
            } else {
                leader.stopGracefully();
                next = group.awaitWorking(t0, group.takeoverTimeout());
                long first = log.firstAfter(next.identity, t0);
                if (log.last(leader.identity) - first > 0) {
                    figures.overlaps.incrementAndGet();
                }
                if (graceful >= 0) {
                    figures.graceful.add(ms(first - t0));
                }
                graceful++;
                CountingDispatcher dispatcher = group.setup.api().counts();
                LOG.info("  {} {} x{} graceful handover{}: {} ms (last write of the old leader at {} ms, of the new "
                         + "one at {} ms)", group.impl.label, group.setup.timings().name(), size,
                        graceful <= 0 ? " (warm-up)" : " #" + graceful, String.format("%.1f", ms(first - t0)),
                        String.format("%.1f", ms(dispatcher.lastLeaseWriteNanos(leader.identity) - t0)),
                        String.format("%.1f", ms(dispatcher.lastLeaseWriteNanos(next.identity) - t0)));
            }
            group.remove(leader);
            group.add();
            group.awaitSettled();
            leader = next;
        }
        group.close();
    }

    static double ms(long nanos) {
        return nanos / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
