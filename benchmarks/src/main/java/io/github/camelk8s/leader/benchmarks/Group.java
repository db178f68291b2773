package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Candidates of one implementation competing for one Lease. Rolling: a candidate that stopped or crashed is
 * replaced by a fresh one (a new pod, a new identity), so every repetition starts from the same number of
 * candidates in steady state.
 */
final class Group implements AutoCloseable {

    final Impl impl;
    final Setup setup;
    private final List<BenchmarkCandidate> candidates = new ArrayList<>();
    private int next;

    Group(Impl impl, Setup setup) {
        this.impl = impl;
        this.setup = setup;
    }

    BenchmarkCandidate add() throws Exception {
        BenchmarkCandidate candidate = impl.create(setup, setup.namespace() + "-" + next++);
        candidates.add(candidate);
        candidate.start();
        return candidate;
    }

    void remove(BenchmarkCandidate candidate) {
        candidates.remove(candidate);
    }

    List<BenchmarkCandidate> candidates() {
        return List.copyOf(candidates);
    }

    /** Waits until a running candidate's route has worked after {@code since}; returns it. */
    BenchmarkCandidate awaitWorking(long since, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<BenchmarkCandidate> working = candidates.stream().filter(BenchmarkCandidate::isRunning)
                    .filter(c -> setup.log().firstAfter(c.identity, since) != 0)
                    .min((a, b) -> Long.compare(setup.log().firstAfter(a.identity, since),
                            setup.log().firstAfter(b.identity, since)));
            if (working.isPresent()) {
                return working.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(impl.label + " in " + setup.namespace()
                                                + ": no leader-only route ran within " + timeout);
            }
            Benchmarks.sleep(2);
        }
    }

    /** Waits until every candidate is in its steady state (watching, or has polled at least once). */
    void awaitSettled() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!candidates.stream().allMatch(BenchmarkCandidate::settled)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(impl.label + " in " + setup.namespace() + ": candidates never settled");
            }
            Benchmarks.sleep(10);
        }
        // let the start-up requests and events of the newest candidate drain before anything is timed
        Benchmarks.sleep(200);
    }

    Duration takeoverTimeout() {
        return setup.timings().leaseDuration().multipliedBy(3).plusSeconds(10);
    }

    @Override
    public void close() {
        candidates.parallelStream().forEach(BenchmarkCandidate::stopQuietly);
        candidates.clear();
    }
}
