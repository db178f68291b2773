package io.github.camelk8s.leader.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.camelk8s.leader.testsupport.Svg;

/**
 * Horizontal bars of durations on a {@link LogScale}, in groups: a figure per group (a graceful handover at some
 * timings), a bar per implementation from the axis to its median, a whisker on to its p95, and the value with the
 * peer's ratio to this component at its end. A figure an implementation did not measure says so in place of its
 * bar.
 * <p>
 * Elements carry a {@code class} ({@code heading}, {@code bar}, {@code p95}, {@code value}, {@code not-run},
 * {@code decade}), and bars the implementation and the median they stand for ({@code data-impl},
 * {@code data-median}), so the chart can be read back.
 */
final class BarChart {

    static final double WIDTH = 900;
    private static final double MARGIN = 20;
    /** Room right of the plot for the value of the longest bar. */
    private static final double VALUE_ROOM = 150;
    private static final double BAR = 13;
    private static final double BAR_PITCH = 19;
    private static final double HEADING = 22;
    private static final double GROUP_GAP = 10;
    private static final double SMALL = 11;
    private static final String INK = "#222222";
    private static final String MUTED = "#666666";

    /**
     * One implementation's figure: {@code median} and {@code p95} in milliseconds (NaN: not measured; equal for a
     * single value), {@code note} after its value (its ratio to this component).
     */
    record Bar(String impl, String label, String colour, double median, double p95, String note) {

        boolean measured() {
            return !Double.isNaN(median);
        }
    }

    /** A figure, under {@code heading}, with a bar per implementation. */
    record Group(String heading, List<Bar> bars) {

        Group {
            bars = List.copyOf(bars);
        }
    }

    private final String title;
    private final List<String> captions;
    private final List<Group> groups;

    /** A chart titled {@code title}, with {@code captions} under it (what was measured, where, at which commit). */
    BarChart(String title, List<String> captions, List<Group> groups) {
        this.title = title;
        this.captions = List.copyOf(captions);
        this.groups = List.copyOf(groups);
    }

    List<Group> groups() {
        return groups;
    }

    /** The left end of the bars: right of the longest implementation label. */
    double plotLeft() {
        double longest = groups.stream().flatMap(g -> g.bars().stream())
                .mapToDouble(b -> Svg.textWidth(b.label(), Svg.FONT_SIZE)).max().orElse(0);
        return MARGIN + longest + 10;
    }

    double plotRight() {
        return WIDTH - VALUE_ROOM;
    }

    /** The scale every bar of this chart is drawn on: whole decades around every median and p95. */
    LogScale scale() {
        List<Double> values = new ArrayList<>();
        for (Group group : groups) {
            for (Bar bar : group.bars()) {
                values.add(bar.median());
                values.add(bar.p95());
            }
        }
        return LogScale.covering(values, plotLeft(), plotRight());
    }

    String render() {
        LogScale scale = scale();
        double top = 30 + captions.size() * 16 + 12;
        double height = top;
        for (Group group : groups) {
            height += HEADING + group.bars().size() * BAR_PITCH + GROUP_GAP;
        }
        double axis = height + 4;
        Svg svg = new Svg(WIDTH, axis + 34, title);
        svg.text(MARGIN, 24, title, "font-size", "15", "font-weight", "bold", "fill", INK);
        for (int i = 0; i < captions.size(); i++) {
            svg.text(MARGIN, 42 + i * 16, captions.get(i), "font-size", Svg.number(SMALL), "fill", MUTED);
        }
        for (double decade : scale.decades()) {
            svg.line(scale.x(decade), top, scale.x(decade), axis, "stroke", "#dddddd", "stroke-width", "1");
        }
        double y = top;
        for (Group group : groups) {
            svg.text(MARGIN, y + 15, group.heading(), "font-weight", "bold", "fill", INK, "class", "heading");
            y += HEADING;
            for (Bar bar : group.bars()) {
                drawBar(svg, scale, bar, y);
                y += BAR_PITCH;
            }
            y += GROUP_GAP;
        }
        svg.line(scale.left(), axis, scale.right(), axis, "stroke", INK, "stroke-width", "1");
        for (double decade : scale.decades()) {
            double x = scale.x(decade);
            svg.line(x, axis, x, axis + 5, "stroke", INK, "stroke-width", "1", "class", "decade",
                    "data-value", Svg.number(decade));
            svg.text(x, axis + 18, decade(decade), "text-anchor", "middle", "fill", INK);
        }
        return svg.toString();
    }

    private void drawBar(Svg svg, LogScale scale, Bar bar, double y) {
        double middle = y + BAR / 2;
        svg.text(scale.left() - 10, middle + 4, bar.label(), "text-anchor", "end", "fill", INK);
        if (!bar.measured()) {
            svg.text(scale.left() + 4, middle + 4, "not run", "fill", MUTED, "font-style", "italic", "class",
                    "not-run", "data-impl", bar.impl());
            return;
        }
        double end = scale.x(bar.median());
        svg.rect(scale.left(), y, end - scale.left(), BAR, "fill", bar.colour(), "class", "bar", "data-impl",
                bar.impl(), "data-median", Double.toString(bar.median()));
        double whisker = Math.max(end, scale.x(bar.p95()));
        if (whisker > end) {
            svg.line(end, middle, whisker, middle, "stroke", INK, "stroke-width", "1.2", "class", "p95");
            svg.line(whisker, middle - 4, whisker, middle + 4, "stroke", INK, "stroke-width", "1.2");
        }
        String value = duration(bar.median()) + (bar.note().isEmpty() ? "" : " (" + bar.note() + ")");
        svg.text(whisker + 6, middle + 4, value, "fill", INK, "class", "value", "data-impl", bar.impl());
    }

    /** 28 ms, 2.0 s, 15.8 s: milliseconds below a second, then seconds with one decimal. */
    static String duration(double millis) {
        if (millis >= 1000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000);
        }
        return String.format(Locale.ROOT, millis >= 10 ? "%.0f ms" : "%.1f ms", millis);
    }

    /** A tick's label: 10 ms, 100 ms, 1 s, 10 s. */
    private static String decade(double millis) {
        return millis >= 1000 ? Svg.number(millis / 1000) + " s" : Svg.number(millis) + " ms";
    }
}
