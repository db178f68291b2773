package io.github.camelk8s.leader.pods;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.github.camelk8s.leader.election.ElectionClock;

/**
 * The system clocks with the faults a test injects: {@link #skewWallClock} shifts only the wall clock written to
 * the Lease (another machine's time), {@link #jump} moves the monotonic clock forward as if this process had been
 * paused for that long, and {@link #freeze} makes every reading block until {@link #thaw}, so the threads that
 * consult this clock (the elector's timers and API attempts, the route policy's checks) stall as in a real pause
 * and, when thawed, read a clock that has moved on by the length of the pause.
 */
public final class FaultyClock implements ElectionClock {

    private final AtomicLong monotonicOffsetNanos = new AtomicLong();
    private volatile Duration wallSkew = Duration.ZERO;
    private final Object frozenLock = new Object();
    private volatile boolean frozen;

    @Override
    public long nanoTime() {
        awaitThaw();
        return System.nanoTime() + monotonicOffsetNanos.get();
    }

    @Override
    public Instant now() {
        awaitThaw();
        return Instant.now().plus(wallSkew).plusNanos(monotonicOffsetNanos.get());
    }

    public void skewWallClock(Duration skew) {
        this.wallSkew = skew;
    }

    public void jump(Duration pause) {
        monotonicOffsetNanos.addAndGet(pause.toNanos());
    }

    /** From now on every reading blocks until {@link #thaw()}. */
    public void freeze() {
        synchronized (frozenLock) {
            frozen = true;
        }
    }

    /** Lets the blocked readers go on; they read the real time, which has moved on while frozen. */
    public void thaw() {
        synchronized (frozenLock) {
            frozen = false;
            frozenLock.notifyAll();
        }
    }

    private void awaitThaw() {
        if (!frozen) {
            return;
        }
        synchronized (frozenLock) {
            // uninterruptibly, like a thread stopped at a safepoint: an interrupt must not let it run on early
            boolean interrupted = false;
            while (frozen) {
                try {
                    frozenLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
