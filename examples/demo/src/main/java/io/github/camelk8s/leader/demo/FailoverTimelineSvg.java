package io.github.camelk8s.leader.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.camelk8s.leader.demo.FailoverTimeline.Action;
import io.github.camelk8s.leader.demo.FailoverTimeline.Holding;
import io.github.camelk8s.leader.demo.FailoverTimeline.Leading;
import io.github.camelk8s.leader.demo.FailoverTimeline.Measurement;
import io.github.camelk8s.leader.testsupport.Svg;

/**
 * Draws a {@link FailoverTimeline} as SVG: a lane per pod with a bar for each interval its leader-only route ran,
 * a lane for the Lease with its holders and a tick per record seen, a dashed line for each stop and kill, a
 * bracket for each measured delay with its milliseconds, and a time axis. Time runs left to right, linearly, from
 * 0 to the timeline's end; labels that would overlap go on rows of their own.
 * <p>
 * Elements carry a {@code class} ({@code leading}, {@code holding}, {@code record}, {@code action},
 * {@code measurement}, {@code tick}) and the pod they concern ({@code data-pod}), so the picture can be read back.
 */
final class FailoverTimelineSvg {

    static final double WIDTH = 960;
    private static final double MARGIN = 20;
    static final double PLOT_LEFT = 100;
    static final double PLOT_RIGHT = WIDTH - 30;
    static final double LANE = 30;
    private static final double BAR = 16;
    private static final double LABEL_ROW = 16;
    private static final double MEASUREMENT_ROW = 30;
    private static final double SMALL = 11;
    private static final String[] POD_COLOURS = { "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#17becf" };
    private static final String KILL_COLOUR = "#d62728";
    private static final String STOP_COLOUR = "#444444";
    private static final String INK = "#222222";
    private static final String MUTED = "#666666";
    /** Time-axis steps, in ms: the first that gives at most {@link #MAX_TICKS} ticks is used. */
    private static final long[] STEPS = { 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000 };
    private static final int MAX_TICKS = 12;
    private static final List<String> LEGEND = List.of(
            "Bars: a pod's leader-only route running, from its route start and stop events.",
            "Lease holder: the holder of each record an observer's watch delivered; a tick per record naming one "
            + "(an acquisition or a renewal).",
            "Times by the demo's monotonic clock, from the pods' start.");

    private final FailoverTimeline timeline;

    private FailoverTimelineSvg(FailoverTimeline timeline) {
        this.timeline = timeline;
    }

    static String render(FailoverTimeline timeline) {
        return new FailoverTimelineSvg(timeline).draw();
    }

    /** Where time {@code millis} is drawn. */
    private double x(long millis) {
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * millis / Math.max(1, timeline.end());
    }

    /** From the top: title, the actions' labels, the lanes, the measurements, the time axis, the legend. */
    private String draw() {
        Rows actionRows = new Rows();
        List<Integer> actionRow = new ArrayList<>();
        for (Action action : timeline.actions()) {
            Placement label = Placement.at(x(action.at()), action.label());
            actionRow.add(actionRows.place(label.left(), label.right()));
        }
        Rows measurementRows = new Rows();
        List<Integer> measurementRow = new ArrayList<>();
        for (Measurement m : timeline.measurements()) {
            Placement label = Placement.at(x(m.from()), label(m));
            measurementRow.add(measurementRows.place(Math.min(label.left(), x(m.from())),
                    Math.max(label.right(), x(m.to()))));
        }
        double labelsTop = 62;
        double lanesTop = labelsTop + Math.max(0, actionRows.count() - 1) * LABEL_ROW + 10;
        double lanesBottom = lanesTop + (timeline.pods().size() + 1) * LANE;
        double measurementsTop = lanesBottom + 16;
        double axis = measurementsTop + measurementRows.count() * MEASUREMENT_ROW + 4;
        double legend = axis + 38;

        Svg svg = new Svg(WIDTH, legend + LEGEND.size() * 15 + 6, timeline.title());
        svg.text(MARGIN, 24, timeline.title(), "font-size", "15", "font-weight", "bold", "fill", INK);
        svg.text(MARGIN, 42, timeline.conditions(), "font-size", Svg.number(SMALL), "fill", MUTED);
        long step = step();
        drawLanes(svg, lanesTop, step);
        for (int i = 0; i < timeline.actions().size(); i++) {
            drawAction(svg, timeline.actions().get(i), labelsTop + actionRow.get(i) * LABEL_ROW, lanesBottom);
        }
        for (int i = 0; i < timeline.measurements().size(); i++) {
            drawMeasurement(svg, timeline.measurements().get(i), lanesBottom,
                    measurementsTop + measurementRow.get(i) * MEASUREMENT_ROW);
        }
        drawAxis(svg, axis, step);
        for (int i = 0; i < LEGEND.size(); i++) {
            svg.text(MARGIN, legend + i * 15, LEGEND.get(i), "font-size", Svg.number(SMALL), "fill", MUTED);
        }
        return svg.toString();
    }

    /** A lane per pod with its leader intervals, then the Lease's, on a grid of the axis's steps. */
    private void drawLanes(Svg svg, double top, long step) {
        int lanes = timeline.pods().size() + 1;
        for (int i = 0; i < lanes; i++) {
            double laneTop = top + i * LANE;
            if (i % 2 == 0) {
                svg.rect(PLOT_LEFT, laneTop, PLOT_RIGHT - PLOT_LEFT, LANE, "fill", "#f4f4f4");
            }
            String name = i < timeline.pods().size() ? timeline.pods().get(i) : "Lease holder";
            svg.text(PLOT_LEFT - 10, laneTop + LANE / 2 + 4, name, "text-anchor", "end", "class", "lane", "fill",
                    INK);
        }
        for (long t = 0; t <= timeline.end(); t += step) {
            svg.line(x(t), top, x(t), top + lanes * LANE, "stroke", "#dddddd", "stroke-width", "1");
        }
        for (Leading leading : timeline.leading()) {
            double barTop = top + lane(leading.pod()) * LANE + (LANE - BAR) / 2;
            svg.rect(x(leading.from()), barTop, x(leading.to()) - x(leading.from()), BAR, "fill",
                    colour(leading.pod()), "class", "leading", "data-pod", leading.pod());
        }
        drawLease(svg, top + timeline.pods().size() * LANE);
    }

    /** A dashed line down through the lanes, red for a kill, under its label. */
    private void drawAction(Svg svg, Action action, double baseline, double lanesBottom) {
        String colour = action.kind() == Action.Kind.KILL ? KILL_COLOUR : STOP_COLOUR;
        double x = x(action.at());
        svg.line(x, baseline + 4, x, lanesBottom, "stroke", colour, "stroke-width", "1.5", "stroke-dasharray",
                "5 3", "class", "action", "data-kind", action.kind().name(), "data-pod", action.pod());
        Placement label = Placement.at(x, action.label());
        svg.text(label.x(), baseline, action.label(), "text-anchor", label.anchor(), "fill", colour, "font-weight",
                "bold");
    }

    /** The holders, each in its pod's colour (released: an outline), and a tick per record seen. */
    private void drawLease(Svg svg, double top) {
        for (Holding holding : timeline.holdings()) {
            double x = x(holding.from());
            double width = x(holding.to()) - x;
            if (holding.holder().isEmpty()) {
                svg.rect(x, top + (LANE - BAR) / 2, width, BAR, "fill", "none", "stroke", MUTED, "stroke-dasharray",
                        "2 2", "class", "holding", "data-pod", "");
                continue;
            }
            svg.rect(x, top + (LANE - BAR) / 2, width, BAR, "fill", colour(holding.holder()), "fill-opacity",
                    "0.3", "class", "holding", "data-pod", holding.holder());
            if (Svg.textWidth(holding.holder(), SMALL) + 8 < width) {
                svg.text(x + 4, top + LANE / 2 + 4, holding.holder(), "font-size", Svg.number(SMALL), "fill", INK);
            }
        }
        for (long seen : timeline.recordsSeen()) {
            svg.line(x(seen), top + 3, x(seen), top + LANE - 3, "stroke", INK, "stroke-width", "1.5", "class",
                    "record");
        }
    }

    /** A bracket from the measurement's start to its end, guides up to the lanes, and its milliseconds. */
    private void drawMeasurement(Svg svg, Measurement m, double lanesBottom, double y) {
        double from = x(m.from());
        double to = x(m.to());
        for (double x : new double[] { from, to }) {
            svg.line(x, lanesBottom, x, y - 5, "stroke", "#aaaaaa", "stroke-width", "1", "stroke-dasharray", "1 2");
            svg.line(x, y - 5, x, y + 5, "stroke", INK, "stroke-width", "1.5");
        }
        svg.line(from, y, to, y, "stroke", INK, "stroke-width", "1.5", "class", "measurement", "data-name",
                m.name(), "data-millis", Long.toString(m.millis()));
        Placement label = Placement.at(from, label(m));
        svg.text(label.x(), y + 17, label(m), "text-anchor", label.anchor(), "fill", INK);
    }

    private void drawAxis(Svg svg, double y, long step) {
        svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, "stroke", INK, "stroke-width", "1");
        for (long t = 0; t <= timeline.end(); t += step) {
            svg.line(x(t), y, x(t), y + 5, "stroke", INK, "stroke-width", "1", "class", "tick");
            svg.text(x(t), y + 18, seconds(t), "text-anchor", "middle", "fill", INK);
        }
    }

    private static String label(Measurement m) {
        return m.name() + ": " + String.format(Locale.ROOT, "%,d ms", m.millis());
    }

    private long step() {
        for (long step : STEPS) {
            if (timeline.end() / step <= MAX_TICKS) {
                return step;
            }
        }
        return STEPS[STEPS.length - 1] * (timeline.end() / (STEPS[STEPS.length - 1] * MAX_TICKS) + 1);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private int lane(String pod) {
        return timeline.pods().indexOf(pod);
    }

    private String colour(String pod) {
        int lane = lane(pod);
        return lane < 0 ? MUTED : POD_COLOURS[lane % POD_COLOURS.length];
    }

    /**
     * Where a label for {@code x} goes: starting just right of it, or ending just left of it where it would leave
     * the picture; {@code left} and {@code right} are the extent it takes.
     */
    private record Placement(double x, String anchor, double left, double right) {

        static Placement at(double x, String text) {
            double width = Svg.textWidth(text, Svg.FONT_SIZE) + 3;
            return x + width <= WIDTH - 4 ? new Placement(x + 3, "start", x, x + width)
                    : new Placement(x - 3, "end", x - width, x);
        }
    }

    /** Rows of labels: each extent goes on the first row where it overlaps nothing already there. */
    private static final class Rows {
        private static final double GAP = 8;
        private final List<double[]> placed = new ArrayList<>();
        private int count;

        int place(double left, double right) {
            int row = 0;
            while (overlaps(row, left, right)) {
                row++;
            }
            placed.add(new double[] { row, left, right });
            count = Math.max(count, row + 1);
            return row;
        }

        private boolean overlaps(int row, double left, double right) {
            return placed.stream().anyMatch(p -> p[0] == row && p[1] < right + GAP && left < p[2] + GAP);
        }

        int count() {
            return count;
        }
    }
}
