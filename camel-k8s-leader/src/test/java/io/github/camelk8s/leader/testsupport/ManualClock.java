package io.github.camelk8s.leader.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.github.camelk8s.leader.election.ElectionClock;

/**
 * The system clocks plus offsets a test controls: {@link #skewWallClock} shifts only the wall clock written to
 * the Lease (another machine's time), {@link #jump} moves the monotonic clock forward as if this process had been
 * paused for that long.
 */
public final class ManualClock implements ElectionClock {

    private final AtomicLong monotonicOffsetNanos = new AtomicLong();
    private volatile Duration wallSkew = Duration.ZERO;

    @Override
    public long nanoTime() {
        return System.nanoTime() + monotonicOffsetNanos.get();
    }

    @Override
    public Instant now() {
        return Instant.now().plus(wallSkew).plusNanos(monotonicOffsetNanos.get());
    }

    public void skewWallClock(Duration skew) {
        this.wallSkew = skew;
    }

    public void jump(Duration pause) {
        monotonicOffsetNanos.addAndGet(pause.toNanos());
    }
}
