package io.github.camelk8s.leader.election;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A duration option is read as written, strictly, and never as a value its user did not write. */
class DurationsTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
            "1500, 1500",
            "15s, 15000",
            "500ms, 500",
            "1m30s, 90000",
            "2m, 120000",
            "1h, 3600000",
            "1d, 86400000",
            "1h1m1s1ms, 3661001",
            "PT15S, 15000",
            "pt0.5s, 500",
            "' 15s ', 15000",
            "-5s, -5000",
            "-PT5S, -5000",
            "-1500, -1500",
            "0s, 0" })
    void readsMillisecondsCamelsUnitsAndIso8601(String text, long millis) {
        assertThat(Durations.parse("leaseDuration", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "abc", "5S", "5sx", "5s5", "1s1m", "1.5s", "2 seconds", "", "-", "s", "P", "PTxS",
            "99999999999999999999", "9999999999999999d" })
    void rejectsAnythingElseNamingTheOptionAndTheTextAsWritten(String text) {
        assertThatThrownBy(() -> Durations.parse("renewDeadline", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid k8s-leader option renewDeadline=" + text
                            + ": not a duration; write it as 15s, 1m30s, 500ms, PT15S or a number of milliseconds");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "0", "0s", "-5s", "PT0S" })
    void positiveDurationsRejectZeroAndNegativeAsWritten(String text) {
        assertThatThrownBy(() -> Durations.parsePositive("yieldDuration", text))
                .hasMessage("Invalid k8s-leader option yieldDuration=" + text + ": must be greater than 0");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(longs = { 1, 999, 1000, 90_000, 86_400_000 })
    void aDurationWrittenBackReadsAsTheSameDuration(long millis) {
        Duration duration = Duration.ofMillis(millis);
        assertThat(Durations.parse("leaseDuration", Durations.text(duration))).isEqualTo(duration);
    }
}
