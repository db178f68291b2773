package io.github.camelk8s.leader.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class LogScaleTest {

    private static final LogScale SCALE = new LogScale(10, 100_000, 100, 500);

    @Test
    void coversTheValuesFromTheDecadeBelowTheLeastToTheDecadeAboveTheGreatest() {
        LogScale scale = LogScale.covering(List.of(24.9, 2024.9, 19_653.1), 0, 400);

        assertThat(scale.min()).isEqualTo(10);
        assertThat(scale.max()).isEqualTo(100_000);
    }

    @Test
    void ignoresValuesThatALogScaleCannotShow() {
        LogScale scale = LogScale.covering(List.of(0.0, Double.NaN, 50.0, 700.0), 0, 400);

        assertThat(scale.min()).isEqualTo(10);
        assertThat(scale.max()).isEqualTo(1000);
    }

    @Test
    void drawsEachDecadeEquallyWide() {
        assertThat(SCALE.x(100) - SCALE.x(10)).isCloseTo(100, within(1e-9));
        assertThat(SCALE.x(100_000) - SCALE.x(10_000)).isCloseTo(100, within(1e-9));
    }

    @Test
    void drawsEqualRatiosAsEqualWidths() {
        assertThat(SCALE.x(50) - SCALE.x(25)).isCloseTo(SCALE.x(8000) - SCALE.x(4000), within(1e-9));
    }

    @Test
    void drawsAGreaterValueFurtherRight() {
        List<Double> increasing = List.of(10.0, 11.0, 24.9, 25.0, 99.9, 100.0, 1287.5, 15_795.8, 100_000.0);

        for (int i = 1; i < increasing.size(); i++) {
            assertThat(SCALE.x(increasing.get(i))).isGreaterThan(SCALE.x(increasing.get(i - 1)));
        }
    }

    @Test
    void runsFromLeftAtItsMinimumToRightAtItsMaximum() {
        assertThat(SCALE.x(10)).isEqualTo(100);
        assertThat(SCALE.x(100_000)).isCloseTo(500, within(1e-9));
    }

    @Test
    void drawsAValueBelowItsMinimumAtTheLeftEnd() {
        assertThat(SCALE.x(3)).isEqualTo(100);
        assertThat(SCALE.x(0)).isEqualTo(100);
    }

    @Test
    void hasATickAtEveryDecade() {
        assertThat(SCALE.decades()).containsExactly(10.0, 100.0, 1000.0, 10_000.0, 100_000.0);
    }

    @Test
    void refusesARangeALogScaleCannotDraw() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LogScale(0, 10, 0, 100));
        assertThatIllegalArgumentException().isThrownBy(() -> new LogScale(10, 10, 0, 100));
    }
}
