package io.github.camelk8s.leader.election;

import java.util.PriorityQueue;

/**
 * The simulator's one timeline: a virtual clock in nanoseconds and the events due on it, run one at a time in order
 * of time and, at the same instant, in the order they were scheduled. Nothing reads a real clock or sleeps, so a
 * run is a function of its schedule alone and a minute of virtual time costs what its events cost.
 */
final class VirtualTime {

    static final long MILLIS = 1_000_000L;
    static final long SECONDS = 1_000_000_000L;

    private final PriorityQueue<Event> due = new PriorityQueue<>();
    private long now;
    private long scheduled;
    private long ran;

    long now() {
        return now;
    }

    /** How many events have run: the simulator's unit of work. */
    long events() {
        return ran;
    }

    /** Schedules {@code task} at virtual time {@code at}, or now if that has passed. */
    Event at(long at, Runnable task) {
        Event event = new Event(Math.max(at, now), scheduled++, task);
        due.add(event);
        return event;
    }

    /** Runs the next event due no later than {@code end}; returns false, with the clock at {@code end}, if none. */
    boolean runNext(long end) {
        while (true) {
            Event next = due.peek();
            if (next == null || next.time > end) {
                now = Math.max(now, end);
                return false;
            }
            due.poll();
            if (next.cancelled) {
                continue;
            }
            now = next.time;
            ran++;
            next.task.run();
            return true;
        }
    }

    /** One scheduled task; cancelling it after it ran has no effect, as {@link ElectionScheduler} requires. */
    static final class Event implements Comparable<Event>, ElectionScheduler.Scheduled {
        private final long time;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        private Event(long time, long sequence, Runnable task) {
            this.time = time;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
