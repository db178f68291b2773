package io.github.camelk8s.leader.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A logarithmic axis from one power of ten ({@code min}) to another ({@code max}), drawn from {@code left} to
 * {@code right}: equal ratios take equal widths, so 25 ms beside 15 s stays readable. Values at or below
 * {@code min} are drawn at {@code left}.
 */
record LogScale(double min, double max, double left, double right) {

    LogScale {
        if (!(min > 0 && max > min && right > left)) {
            throw new IllegalArgumentException("A log scale needs 0 < min < max and left < right, not " + min + ".."
                                               + max + " over " + left + ".." + right);
        }
    }

    /** From the power of ten at or below the least positive value to the one at or above the greatest. */
    static LogScale covering(Collection<Double> values, double left, double right) {
        List<Double> positive = values.stream().filter(v -> v > 0 && Double.isFinite(v)).toList();
        if (positive.isEmpty()) {
            return new LogScale(1, 10, left, right);
        }
        double low = Math.pow(10, Math.floor(Math.log10(positive.stream().mapToDouble(v -> v).min().orElseThrow())));
        double high = Math.pow(10, Math.ceil(Math.log10(positive.stream().mapToDouble(v -> v).max().orElseThrow())));
        return new LogScale(low, high > low ? high : low * 10, left, right);
    }

    /** Where {@code value} is drawn. */
    double x(double value) {
        if (!(value > min)) {
            return left;
        }
        return left + (right - left) * Math.log10(value / min) / Math.log10(max / min);
    }

    /** Every power of ten from {@code min} to {@code max}: where the axis has its ticks. */
    List<Double> decades() {
        List<Double> decades = new ArrayList<>();
        for (int exponent = (int) Math.round(Math.log10(min)); exponent <= Math.round(Math.log10(max)); exponent++) {
            decades.add(Math.pow(10, exponent));
        }
        return decades;
    }
}
