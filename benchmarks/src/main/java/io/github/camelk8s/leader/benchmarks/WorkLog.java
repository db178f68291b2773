package io.github.camelk8s.leader.benchmarks;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** When each candidate's leader-only route processed an exchange, on one monotonic (System.nanoTime) timeline. */
final class WorkLog {

    private final Map<String, Times> times = new ConcurrentHashMap<>();

    private static final class Times {
        private long[] values = new long[64];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized long firstAfter(long since) {
            for (int i = 0; i < size; i++) {
                if (values[i] - since > 0) {
                    return values[i];
                }
            }
            return 0;
        }

        synchronized long last() {
            return size == 0 ? 0 : values[size - 1];
        }
    }

    void record(String candidate) {
        long now = System.nanoTime();
        times.computeIfAbsent(candidate, c -> new Times()).add(now);
    }

    /** The candidate's first exchange after {@code since}, or 0 if none yet. */
    long firstAfter(String candidate, long since) {
        Times t = times.get(candidate);
        return t == null ? 0 : t.firstAfter(since);
    }

    /** The candidate's last exchange so far, or 0 if none. */
    long last(String candidate) {
        Times t = times.get(candidate);
        return t == null ? 0 : t.last();
    }
}
