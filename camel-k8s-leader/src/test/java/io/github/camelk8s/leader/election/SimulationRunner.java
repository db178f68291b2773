package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Runs many schedules on a few threads, each thread its own seeds (thread t takes seeds first + t, first + t +
 * threads, ...): the runs share nothing, each is single-threaded and deterministic, so which thread ran a seed
 * never changes its verdict. Wall-clock time is read only to report throughput. Any kind of run will do: the
 * election's ({@link Simulation}) or one with many Leases.
 */
final class SimulationRunner {

    /** What a batch of runs found: the runs that failed, in seed order. */
    record Summary<R>(long schedules, List<R> failures, long events, long elapsedNanos) {
        double perSecond() {
            return schedules * 1e9 / Math.max(1, elapsedNanos);
        }
    }

    /** How to run the schedule of one seed, and what to read off its result. */
    record Runs<R>(LongFunction<R> ofSeed, Predicate<R> failed, ToLongFunction<R> events) {
    }

    private record Failure<R>(long seed, R result) {
    }

    private SimulationRunner() {
    }

    /** The election's schedules of a family, run with the given cores. */
    static Runs<Simulation.Result> elections(Schedule.Family family,
                                             Function<LeaderElectionConfig, ElectionCore> cores) {
        return new Runs<>(seed -> Simulation.run(generate(family, seed), cores, 0), Simulation.Result::failed,
                Simulation.Result::events);
    }

    static Summary<Simulation.Result> run(Schedule.Family family, long first, long count, int threads,
                                          Function<LeaderElectionConfig, ElectionCore> cores, long every,
                                          LongConsumer progress) {
        return run(elections(family, cores), first, count, threads, every, progress);
    }

    /**
     * Runs the schedules of {@code count} seeds from {@code first}; {@code progress} hears the count done every
     * {@code every} schedules (from any thread).
     */
    static <R> Summary<R> run(Runs<R> runs, long first, long count, int threads, long every, LongConsumer progress) {
        List<Failure<R>> failures = Collections.synchronizedList(new ArrayList<>());
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
                    R result = runs.ofSeed().apply(first + i);
                    ownEvents += runs.events().applyAsLong(result);
                    if (runs.failed().test(result)) {
                        failures.add(new Failure<>(first + i, result));
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
        List<R> sorted = new ArrayList<>(failures).stream().sorted(Comparator.comparingLong(Failure::seed))
                .map(Failure::result).toList();
        return new Summary<>(count, sorted, events.get(), System.nanoTime() - started);
    }

    static long firstFailure(Schedule.Family family, long first, long budget, int threads,
                             Function<LeaderElectionConfig, ElectionCore> cores) {
        return firstFailure(first, budget, threads, seed -> Simulation.run(generate(family, seed), cores, 0).failed());
    }

    /**
     * The smallest index below {@code budget} whose schedule fails, or -1: found by {@code threads} threads that
     * each stop once past the best found so far, so the answer does not depend on their pace.
     */
    static long firstFailure(long first, long budget, int threads, LongPredicate fails) {
        AtomicLong best = new AtomicLong(Long.MAX_VALUE);
        List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                for (long i = offset; i < budget && i < best.get(); i += threads) {
                    if (fails.test(first + i)) {
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
