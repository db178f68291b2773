package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Runs many schedules on a few threads, each thread its own seeds (thread t takes seeds first + t, first + t +
 * threads, ...): the runs share nothing, each is single-threaded and deterministic, so which thread ran a seed
 * never changes its verdict. Wall-clock time is read only to report throughput.
 */
final class SimulationRunner {

    /** What a batch of runs found: the schedules that failed, in seed order. */
    record Summary(long schedules, List<Simulation.Result> failures, long events, long elapsedNanos) {
        double perSecond() {
            return schedules * 1e9 / Math.max(1, elapsedNanos);
        }
    }

    private SimulationRunner() {
    }

    /**
     * Runs the schedules of {@code count} seeds from {@code first}; {@code progress} hears the count done every
     * {@code every} schedules (from any thread). At most {@code keep} failures are kept, the first by seed.
     */
    static Summary run(Schedule.Family family, long first, long count, int threads,
                       Function<LeaderElectionConfig, ElectionCore> cores, long every, LongConsumer progress) {
        List<Simulation.Result> failures = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong done = new AtomicLong();
        AtomicLong events = new AtomicLong();
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                long ownEvents = 0;
                for (long i = offset; i < count; i += threads) {
                    Simulation.Result result = Simulation.run(generate(family, first + i), cores, 0);
                    ownEvents += result.events();
                    if (result.failed()) {
                        failures.add(result);
                    }
                    long n = done.incrementAndGet();
                    if (every > 0 && n % every == 0) {
                        progress.accept(n);
                    }
                }
                events.addAndGet(ownEvents);
            }, "simulation-" + t);
            worker.setUncaughtExceptionHandler((thread, e) -> crashes.add(e));
            workers.add(worker);
            worker.start();
        }
        join(workers, crashes);
        List<Simulation.Result> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Long.compare(a.schedule().seed(), b.schedule().seed()));
        return new Summary(count, sorted, events.get(), System.nanoTime() - started);
    }

    /**
     * The smallest index below {@code budget} whose schedule fails, or -1: found by {@code threads} threads that
     * each stop once past the best found so far, so the answer does not depend on their pace.
     */
    static long firstFailure(Schedule.Family family, long first, long budget, int threads,
                             Function<LeaderElectionConfig, ElectionCore> cores) {
        AtomicLong best = new AtomicLong(Long.MAX_VALUE);
        List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                for (long i = offset; i < budget && i < best.get(); i += threads) {
                    if (Simulation.run(generate(family, first + i), cores, 0).failed()) {
                        long found = i;
                        best.accumulateAndGet(found, Math::min);
                        return;
                    }
                }
            }, "mutant-" + t);
            worker.setUncaughtExceptionHandler((thread, e) -> crashes.add(e));
            workers.add(worker);
            worker.start();
        }
        join(workers, crashes);
        return best.get() == Long.MAX_VALUE ? -1 : best.get();
    }

    /** A schedule the generator cannot draw is the simulator's bug: it names its seed. */
    private static Schedule generate(Schedule.Family family, long seed) {
        try {
            return Schedule.generate(family, seed);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot draw the schedule of seed " + seed, e);
        }
    }

    private static void join(List<Thread> workers, List<Throwable> crashes) {
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            }
        }
        if (!crashes.isEmpty()) {
            throw new IllegalStateException("a simulation thread failed", crashes.get(0));
        }
    }
}
