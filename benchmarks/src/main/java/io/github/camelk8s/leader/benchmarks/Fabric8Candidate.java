package io.github.camelk8s.leader.benchmarks;

import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.github.camelk8s.leader.testsupport.Fabric8Electors;
import org.apache.camel.builder.RouteBuilder;

/**
 * fabric8's {@link LeaderElector} wired by hand ({@link Fabric8Electors}), as an application without a Camel
 * component would: LeaseLock, releaseOnCancel=true, the leader-only route started on onStartLeading and stopped on
 * onStopLeading. On a graceful stop the context stops its routes first, then the election is cancelled, which
 * releases the Lease.
 */
final class Fabric8Candidate extends BenchmarkCandidate {

    private volatile CompletableFuture<?> election;
    private volatile long electedNanos;

    Fabric8Candidate(Setup setup, String identity) throws Exception {
        super(setup, identity);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                workRoute(this).autoStartup(false);
            }
        });
    }

    @Override
    void start() throws Exception {
        super.start();
        LeaderElector elector = Fabric8Electors.elector(client, setup.namespace(), setup.lease(), identity,
                setup.timings(), new LeaderCallbacks(this::startLeading, this::stopLeading, leader -> {
                }));
        election = elector.start();
    }

    private void startLeading() {
        if (electedNanos == 0) {
            electedNanos = System.nanoTime();
        }
        try {
            context.getRouteController().startRoute(WORK_ROUTE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void stopLeading() {
        if (context.isStopping() || context.isStopped()) {
            return;
        }
        try {
            context.getRouteController().stopRoute(WORK_ROUTE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void stopGracefully() {
        pod.stop();
        cancelElection();
        pod.close();
    }

    @Override
    void stopQuietly() {
        cancelElection();
        super.stopQuietly();
    }

    private void cancelElection() {
        CompletableFuture<?> current = election;
        if (current != null) {
            current.cancel(true);
        }
    }

    /** It polls every retryPeriod × [1, 2.2] (jitter factor 1.2). */
    @Override
    boolean settled() {
        return pollerSettled(2.2);
    }

    @Override
    long electedNanos() {
        return electedNanos;
    }
}
