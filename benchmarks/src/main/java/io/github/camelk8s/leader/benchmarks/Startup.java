package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 5: one candidate, a Lease nobody holds; from the call to CamelContext.start() until the implementation
 * announces leadership, and until the leader-only route processes its first exchange. Every repetition uses a new
 * Lease and a new client, as a freshly started pod would.
 */
final class Startup {

    private static final Logger LOG = LoggerFactory.getLogger("bench");

    private Startup() {
    }

    /**
     * Round-robin over the implementations, one start-up each per round, so that none is measured in a colder JVM
     * than the others (the first rounds are warm-ups and are not counted).
     */
    static void run(MockApiServer api, int warmups, int reps, Results.Row elected, Results.Row firstExchange)
            throws Exception {
        WorkLog log = new WorkLog();
        for (int i = 0; i < warmups + reps; i++) {
            for (Impl impl : Impl.values()) {
                boolean counted = i >= warmups;
                once(api, log, impl, i, counted ? elected.samples(impl) : null,
                        counted ? firstExchange.samples(impl) : null);
            }
        }
    }

    private static void once(MockApiServer api, WorkLog log, Impl impl, int i, Samples elected, Samples firstExchange)
            throws Exception {
        Setup setup = new Setup(api, log, "startup-" + impl.key, "free-" + i, BenchmarkTimings.DEFAULT);
        BenchmarkCandidate candidate = impl.create(setup, setup.namespace() + "-" + i, true);
        long t0 = System.nanoTime();
        candidate.start();
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (log.firstAfter(candidate.identity, t0) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(impl.label + " never led the free Lease " + setup.lease());
            }
            Benchmarks.sleep(1);
        }
        long first = log.firstAfter(candidate.identity, t0);
        // the ELECTED event may trail the route start by a little; give it a moment
        long waitElected = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (candidate instanceof K8sLeaderCandidate && candidate.electedNanos() == 0
               && System.nanoTime() < waitElected) {
            Benchmarks.sleep(1);
        }
        if (firstExchange != null) {
            firstExchange.add(Handover.ms(first - t0));
            if (candidate.electedNanos() != 0) {
                elected.add(Handover.ms(candidate.electedNanos() - t0));
            }
        }
        LOG.info("  {} start-up{}: first exchange {} ms", impl.label,
                firstExchange == null ? " (warm-up)" : " #" + (firstExchange.count()),
                String.format("%.1f", Handover.ms(first - t0)));
        candidate.stopGracefully();
    }
}
