package io.github.camelk8s.leader.election;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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

        /** Writes the throughput to {@code target/<file>}, for sizing the default run (no verdict depends on it). */
        void writeThroughput(String file, long first, int threads) throws IOException {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(target.resolve(file), String.format(Locale.ROOT,
                        "%d schedules from seed %d on %d threads in %.1f s: %.0f schedules/s, %.0f events/schedule, "
                        + "%d violations%n", schedules, first, threads, elapsedNanos / 1e9, perSecond(),
                        events / (double) schedules, failures.size()), StandardCharsets.UTF_8);
            }
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
     * The run of a simulation test as the build sets it: {@code <property>.schedules} schedules ({@code count} if
     * unset) from seed {@code <property>.firstSeed} (1) on {@code simulation.threads} (2) threads, telling the count
     * done every {@code every} schedules with {@code simulation.progress}. Prints one line, {@code <label>: N
     * schedules, K violations}, and writes the throughput to {@code target/<property>-summary.txt}.
     */
    static <R> Summary<R> runAsConfigured(String label, String property, long count, long every, Runs<R> runs)
            throws IOException {
        long schedules = Long.getLong(property + ".schedules", count);
        long first = Long.getLong(property + ".firstSeed", 1);
        int threads = Integer.getInteger("simulation.threads", 2);
        long started = System.nanoTime();
        Summary<R> summary = run(runs, first, schedules, threads, Boolean.getBoolean("simulation.progress") ? every : 0,
                done -> System.out.printf(Locale.ROOT, "%s: %d of %d schedules, %.0f/s%n", label, done, schedules,
                        done * 1e9 / (System.nanoTime() - started)));
        System.out.println(label + ": " + summary.schedules() + " schedules, " + summary.failures().size()
                           + " violations");
        summary.writeThroughput(property + "-summary.txt", first, threads);
        return summary;
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
