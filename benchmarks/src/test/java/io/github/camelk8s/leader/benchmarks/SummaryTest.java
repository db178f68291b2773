package io.github.camelk8s.leader.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The headline table the README quotes: from the run's figures, naming its commit, between its markers. */
class SummaryTest {

    private static final String RESULTS = """
            {"conditions": {"Commit": "abc1234", "Date (UTC)": "2026-12-01T19:25:30Z",
                            "Load average (1/5/15 min) at the start": "0.5 / 1.0 / 1.5"},
             "targets": [{"scenario": "4. Scale", "target": "≤ 8 threads", "measured": "9", "met": false},
                         {"scenario": "5. Start-up", "target": "≤ 100 ms", "measured": "36 ms", "met": true}],
             "scenarios": {
               "handover-default": {"title": "1 and 2. Handover, timings 15 s / 10 s / 2 s / 2 s",
                 "figures": {"graceful": {"implementations": {
                   "k8s-leader": {"p50": 28.3}, "fabric8": {"p50": 2024.9, "ratioToK8sLeader": 71.7},
                   "camel-master": {"p50": 15795.8, "ratioToK8sLeader": 558.9}}}}},
               "scale": {"title": "4. Scale: 1000 Leases in one JVM",
                 "figures": {"threadsAdded": {"implementations": {"k8s-leader": {"value": 8.0},
                                                                  "fabric8": {"value": 1004.0}}}}}}}
            """;

    private final JsonNode results = read(RESULTS);

    @Test
    void theRunsCommitDateAndLoadHeadTheTable() {
        assertThat(Summary.block(results))
                .contains("Medians of the run at commit abc1234 (2026-12-01T19:25:30Z, load average at the start "
                          + "0.5 / 1.0 / 1.5)");
    }

    @Test
    void thisComponentsFigureIsBoldAndEachPeersCarriesItsRatio() {
        assertThat(Summary.block(results))
                .contains("| Graceful handover, 15 s / 10 s / 2 s | **28 ms** | 2.0 s (72×) | 15.8 s (559×) |");
    }

    @Test
    void aFigureAnImplementationDidNotMeasureIsADash() {
        assertThat(Summary.block(results)).contains("| Scale, 1000 Leases in one JVM: threads added in steady state "
                                                    + "/ at the peak; watch connections | **8 / –; –** | 1,004 / –; – "
                                                    + "| – |");
    }

    @Test
    void theTargetsNotMetAreNamedUnderTheTable() {
        assertThat(Summary.block(results)).contains("Targets not met in that run: 4. Scale, ≤ 8 threads: 9.")
                .doesNotContain("5. Start-up");
    }

    @Test
    void theBlockReplacesTheOneBetweenTheMarkersAndNothingElse(@TempDir Path dir) throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "before\n" + Summary.BEGIN + "\nold table\n" + Summary.END + "\nafter\n");

        Summary.replaceIn(readme, Summary.block(results));

        String text = Files.readString(readme);
        assertThat(text).startsWith("before\n" + Summary.BEGIN).endsWith(Summary.END + "\nafter\n")
                .contains("**28 ms**").doesNotContain("old table");
    }

    @Test
    void aFileWithoutTheMarkersIsRefusedNamingThem(@TempDir Path dir) throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "no table here\n");

        assertThatThrownBy(() -> Summary.replaceIn(readme, Summary.block(results)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Summary.BEGIN);
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
