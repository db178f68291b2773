package io.github.camelk8s.leader.policy;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one owner's tasks one at a time, in the order they were handed over, on a pool shared with other owners,
 * whatever the pool's size: a policy's stop never overtakes the start queued before it. A thread of the pool is used
 * only while tasks are pending.
 */
final class SerialHandOff {

    private static final Logger LOG = LoggerFactory.getLogger(SerialHandOff.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks handed over and not yet run; whoever raises it from zero starts the drain. */
    private final AtomicInteger pending = new AtomicInteger();

    SerialHandOff(Executor pool) {
        this.pool = pool;
    }

    /** Queues the task behind the ones handed over before; false if the pool refuses to run any more. */
    boolean handOver(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() > 0) {
            return true;
        }
        try {
            pool.execute(this::drain);
            return true;
        } catch (RejectedExecutionException e) {
            tasks.clear();
            pending.set(0);
            return false;
        }
    }

    private void drain() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // a failing task must not stall the ones queued behind it
                LOG.warn("Task failed: {}", e.toString(), e);
            }
        } while (pending.decrementAndGet() > 0);
    }
}
