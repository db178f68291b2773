package io.github.camelk8s.leader.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.camelk8s.leader.testsupport.SvgPicture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The charts drawn from the committed benchmarks/results.json: what they show, and that docs/ holds exactly those
 * (after a change to the charts, draw them again with {@code -Dbenchmarks.redraw=true}).
 */
class ChartsTest {

    private static final Path RESULTS = Path.of("results.json");
    private static final Path PAGE = Path.of("..", "docs", "benchmarks.md");

    private static JsonNode committed() throws IOException {
        return new ObjectMapper().readTree(RESULTS.toFile());
    }

    private static Charts.Chart chart(String file) throws IOException {
        return Charts.from(committed()).stream().filter(c -> c.file().equals(file)).findFirst().orElseThrow();
    }

    @Test
    void drawsTheHandoverAndTheRebalancingChartFromACompleteRun() throws IOException {
        assertThat(Charts.from(committed())).extracting(Charts.Chart::file)
                .containsExactly("benchmarks-handover.svg", "benchmarks-rebalancing.svg");
    }

    @Test
    void comparesTheGracefulHandoversAndTheCrashTakeOversAtBothTimings() throws IOException {
        assertThat(chart("benchmarks-handover.svg").chart().groups()).extracting(BarChart.Group::heading)
                .containsExactly("Graceful handover, timings 15 s / 10 s / 2 s / 2 s",
                        "Graceful handover, timings 3 s / 2 s / 500 ms / 500 ms",
                        "Graceful handover, 50 candidates on one Lease",
                        "Crash take-over, from the last renewal, timings 15 s / 10 s / 2 s / 2 s",
                        "Crash take-over, from the last renewal, timings 3 s / 2 s / 500 ms / 500 ms");
    }

    @Test
    void drawsEachImplementationsMedianAndP95AsResultsJsonHasThem() throws IOException {
        JsonNode graceful = committed().path("scenarios").path("handover-default").path("figures").path("graceful")
                .path("implementations");

        BarChart.Group group = chart("benchmarks-handover.svg").chart().groups().get(0);

        assertThat(group.bars()).extracting(BarChart.Bar::impl, BarChart.Bar::median, BarChart.Bar::p95)
                .containsExactly(
                        tuple("k8s-leader", graceful.path("k8s-leader").path("p50")
                                .asDouble(), graceful.path("k8s-leader").path("p95").asDouble()),
                        tuple("fabric8", graceful.path("fabric8").path("p50")
                                .asDouble(), graceful.path("fabric8").path("p95").asDouble()),
                        tuple("camel-master", graceful.path("camel-master").path("p50")
                                .asDouble(), graceful.path("camel-master").path("p95").asDouble()));
    }

    @Test
    void statesTheCommitTheFiguresWereMeasuredAt() throws IOException {
        String commit = committed().path("conditions").path("Commit").asText();

        for (Charts.Chart chart : Charts.from(committed())) {
            assertThat(SvgPicture.parse(chart.chart().render()).texts())
                    .anySatisfy(t -> assertThat(t).startsWith("Measured at commit " + commit + " on "));
        }
    }

    @Test
    void leavesOutAChartWhoseFiguresWereNotMeasured() throws IOException {
        ObjectNode partial = committed().deepCopy();
        ((ObjectNode) partial.path("scenarios")).remove(List.of("rebalancing-12", "rebalancing-large"));

        assertThat(Charts.from(partial)).extracting(Charts.Chart::file).containsExactly("benchmarks-handover.svg");
    }

    @Test
    void keepsEveryTextInsideThePicture() throws IOException {
        for (Charts.Chart chart : Charts.from(committed())) {
            assertThat(SvgPicture.parse(chart.chart().render()).textsPastTheEdges()).as(chart.file()).isEmpty();
        }
    }

    @Test
    void theChartsInDocsAreTheOnesTheCommittedResultsDraw() throws IOException {
        for (Charts.Chart chart : Charts.from(committed())) {
            Path file = PAGE.resolveSibling(Charts.DIRECTORY).resolve(chart.file());
            assertThat(file).as("draw it with -Dbenchmarks.redraw=true").exists();
            assertThat(Files.readString(file)).as("%s: draw it again with -Dbenchmarks.redraw=true", file)
                    .isEqualTo(chart.chart().render());
        }
    }

    @Test
    void theCommittedPageHasItsSummaryAndChartsAfterItsPreambleAsARunWritesThem() throws IOException {
        Benchmarks.Plan full = Benchmarks.Plan.of(false, EnumSet.allOf(Benchmarks.Scenario.class));

        assertThat(Files.readString(PAGE)).contains(Texts.preamble(full) + "\n" + Summary.block(committed()) + "\n"
                                                    + Charts.embeds(Charts.from(committed())) + "## Conditions");
    }

}
