package io.github.camelk8s.leader.election;

import java.time.Instant;

/**
 * The two kinds of time an elector needs, kept apart on purpose.
 * <p>
 * {@link #nanoTime()} is the local monotonic clock: every safety decision (is the observed lease expired, is my
 * own leadership still valid) is made with it alone. {@link #now()} is wall-clock time and is only ever
 * <em>written</em> into the Lease record for humans and other tools; it is never compared with a remote time.
 * Tests replace this clock to simulate skewed wall clocks and paused processes.
 */
public interface ElectionClock {

    /** Monotonic time in nanoseconds, comparable only with other readings of this same clock. */
    long nanoTime();

    /** Wall-clock time, written to {@code acquireTime} and {@code renewTime}. */
    Instant now();

    /** The JVM's clocks: {@link System#nanoTime()} and {@link Instant#now()}. */
    static ElectionClock system() {
        return SystemClock.INSTANCE;
    }

    final class SystemClock implements ElectionClock {
        static final SystemClock INSTANCE = new SystemClock();

        private SystemClock() {
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    }
}
