package io.github.camelk8s.leader.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Measurements of one figure, in milliseconds (or counts): median and p95 (nearest rank) over the repetitions. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    synchronized void add(double value) {
        values.add(value);
    }

    synchronized List<Double> values() {
        return List.copyOf(values);
    }

    synchronized int count() {
        return values.size();
    }

    double p50() {
        return percentile(50);
    }

    double p95() {
        return percentile(95);
    }

    double max() {
        return percentile(100);
    }

    /** Nearest-rank percentile; the median interpolates between the middle two of an even count. */
    synchronized double percentile(int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        if (p == 50) {
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted.get(Math.max(0, Math.min(n - 1, rank - 1)));
    }
}
