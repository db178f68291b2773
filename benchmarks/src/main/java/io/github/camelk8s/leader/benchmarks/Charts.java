package io.github.camelk8s.leader.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The charts of docs/benchmarks.md, drawn from the figures as results.json holds them, so that a run draws them
 * from what it measured and {@code -Dbenchmarks.redraw=true} draws the same ones from a committed results.json
 * without running anything: graceful handover and crash take-over per implementation, and the rebalancing
 * comparison. A chart whose figures were not measured (a partial run) is left out.
 */
final class Charts {

    /** Where the charts go, beside the page that embeds them. */
    static final String DIRECTORY = "images";

    /** A chart and the file it is written to, under {@link #DIRECTORY}. */
    record Chart(String file, String description, BarChart chart) {

        String embed() {
            return "![" + description + "](" + DIRECTORY + "/" + file + ")";
        }
    }

    /** A figure of results.json: the scenario's key and the figure's. */
    private record Figure(String scenario, String figure) {
    }

    private static final List<Figure> HANDOVER = List.of(new Figure("handover-default", "graceful"),
            new Figure("handover-short", "graceful"), new Figure("many-candidates", "graceful"),
            new Figure("handover-default", "crashSinceRenewal"), new Figure("handover-short", "crashSinceRenewal"));
    private static final List<Figure> REBALANCING = List.of(new Figure("rebalancing-12", "joinToEven"),
            new Figure("rebalancing-12", "leaveToEven"), new Figure("rebalancing-12", "crashToEven"),
            new Figure("rebalancing-12", "joinLongestGap"), new Figure("rebalancing-12", "leaveLongestGap"),
            new Figure("rebalancing-12", "crashLongestGap"));
    /** The implementations each chart compares, under their names there, in the enum's order. */
    private static final Map<Impl, String> HANDOVER_IMPLS = new EnumMap<>(Map.of(Impl.K8S_LEADER,
            Impl.K8S_LEADER.label, Impl.FABRIC8, Impl.FABRIC8.label, Impl.CAMEL, Impl.CAMEL.label));
    private static final Map<Impl, String> REBALANCING_IMPLS = new EnumMap<>(Map.of(Impl.K8S_LEADER,
            Impl.K8S_LEADER.label, Impl.CAMEL, "Camel RebalancingCamelClusterService"));
    private static final Map<Impl, String> COLOURS = new EnumMap<>(Map.of(Impl.K8S_LEADER, "#1f77b4",
            Impl.FABRIC8, "#ff7f0e", Impl.CAMEL, "#2ca02c"));
    /** "1 and 2. ", "4b. ": the scenario's number, which the charts leave out. */
    private static final Pattern NUMBER = Pattern.compile("^[0-9][0-9a-z]*(?: and [0-9]+)?\\. ");
    private static final Pattern TIMINGS = Pattern.compile("timings ([^(]+?)(?: \\(|$)");

    private Charts() {
    }

    /** The charts whose figures {@code results} (results.json, or a run's {@link Results#toJson()}) holds. */
    static List<Chart> from(JsonNode results) {
        List<Chart> charts = new ArrayList<>();
        String measured = measuredAt(results.path("conditions"));
        String bars = "Median (bar) and p95 (whisker), log scale; each peer's ratio to camel-k8s-leader in brackets.";
        List<BarChart.Group> handover = groups(results, HANDOVER, HANDOVER_IMPLS, Charts::headingWithContext);
        if (!handover.isEmpty()) {
            charts.add(new Chart("benchmarks-handover.svg", "Graceful handover and crash take-over per "
                                                             + "implementation, median and p95, log scale",
                    new BarChart("Graceful handover and crash take-over (lower is better)", List.of(
                            "From the stop or the last renewal until a follower's leader-only route processes its "
                            + "first exchange.", bars, measured), handover)));
        }
        List<BarChart.Group> rebalancing = groups(results, REBALANCING, REBALANCING_IMPLS, Charts::heading);
        if (!rebalancing.isEmpty()) {
            String scenario = withoutNumber(results.path("scenarios").path("rebalancing-12").path("title").asText())
                    .replaceFirst("^Rebalancing: ", "");
            charts.add(new Chart("benchmarks-rebalancing.svg", "Rebalancing, camel-k8s-leader beside Camel's "
                                                                + "RebalancingCamelClusterService, median and p95, "
                                                                + "log scale",
                    new BarChart("Rebalancing (lower is better)", List.of(scenario + ": the time until every "
                            + "member leads floor or ceil of Leases / members,", "and the longest time a Lease had "
                            + "no leader, after a member joins, leaves gracefully or crashes.", bars, measured),
                            rebalancing)));
        }
        return charts;
    }

    /** The markdown that embeds {@code charts}, one paragraph each. */
    static String embeds(List<Chart> charts) {
        StringBuilder md = new StringBuilder();
        charts.forEach(c -> md.append(c.embed()).append("\n\n"));
        return md.toString();
    }

    /** Writes each chart under {@link #DIRECTORY} beside {@code page}; returns that directory. */
    static Path write(List<Chart> charts, Path page) throws IOException {
        Path directory = page.toAbsolutePath().getParent().resolve(DIRECTORY);
        Files.createDirectories(directory);
        for (Chart chart : charts) {
            Files.writeString(directory.resolve(chart.file()), chart.chart().render(), StandardCharsets.UTF_8);
        }
        return directory;
    }

    /** A group per figure measured, with a bar per implementation in {@code impls}. */
    private static List<BarChart.Group> groups(JsonNode results, List<Figure> figures, Map<Impl, String> impls,
                                               BiFunction<JsonNode, JsonNode, String> heading) {
        List<BarChart.Group> groups = new ArrayList<>();
        for (Figure f : figures) {
            JsonNode scenario = results.path("scenarios").path(f.scenario());
            JsonNode figure = scenario.path("figures").path(f.figure());
            if (figure.isMissingNode()) {
                continue;
            }
            List<BarChart.Bar> bars = new ArrayList<>();
            impls.forEach((impl, label) -> bars.add(bar(impl, label,
                    figure.path("implementations").path(impl.key))));
            if (bars.stream().anyMatch(BarChart.Bar::measured)) {
                groups.add(new BarChart.Group(heading.apply(scenario, figure), bars));
            }
        }
        return groups;
    }

    /** The bar of one implementation's figure: its median and p95, or its single value; NaN if not measured. */
    private static BarChart.Bar bar(Impl impl, String label, JsonNode figure) {
        double median = figure.has("p50") ? figure.get("p50").asDouble()
                : figure.has("value") ? figure.get("value").asDouble() : Double.NaN;
        double p95 = figure.has("p95") ? figure.get("p95").asDouble() : median;
        String ratio = figure.has("ratioToK8sLeader") ? Results.times(figure.get("ratioToK8sLeader").asDouble())
                : "";
        return new BarChart.Bar(impl.key, label, COLOURS.get(impl), median, p95, ratio);
    }

    private static String heading(JsonNode scenario, JsonNode figure) {
        return figure.path("label").asText();
    }

    /** "Graceful handover, timings 15 s / 10 s / 2 s / 2 s", "Graceful handover, 50 candidates on one Lease". */
    private static String headingWithContext(JsonNode scenario, JsonNode figure) {
        String title = scenario.path("title").asText();
        Matcher timings = TIMINGS.matcher(title);
        String context = timings.find() ? "timings " + timings.group(1) : withoutNumber(title);
        return figure.path("label").asText() + ", " + context;
    }

    private static String withoutNumber(String title) {
        return NUMBER.matcher(title).replaceFirst("");
    }

    /** "Measured at commit 764d0fc on 2026-12-01T19:25:30Z (mode: full); ...". */
    private static String measuredAt(JsonNode conditions) {
        String commit = Optional.ofNullable(conditions.get("Commit")).map(JsonNode::asText).orElse("unknown");
        String date = Optional.ofNullable(conditions.get("Date (UTC)")).map(JsonNode::asText).orElse("");
        String mode = Optional.ofNullable(conditions.get("Mode")).map(JsonNode::asText).orElse("");
        return "Measured at commit " + commit + (date.isEmpty() ? "" : " on " + date)
               + (mode.isEmpty() ? "" : " (mode: " + mode + ")") + "; the conditions are in docs/benchmarks.md.";
    }
}
