package io.github.camelk8s.leader.benchmarks;

import java.util.List;

import io.github.camelk8s.leader.testsupport.SvgPicture;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import static io.github.camelk8s.leader.testsupport.SvgPicture.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A chart of two figures, one of them not measured by every implementation, read back with the JDK's XML parser. */
class BarChartTest {

    private static final BarChart CHART = new BarChart("Handover", List.of("a caption", "measured at abc1234"),
            List.of(new BarChart.Group("Graceful handover", List.of(
                            new BarChart.Bar("k8s-leader", "camel-k8s-leader", "#1f77b4", 25, 35, ""),
                            new BarChart.Bar("fabric8", "fabric8 LeaderElector", "#ff7f0e", 1300, 1500, "52×"),
                            new BarChart.Bar("camel-master", "Camel", "#2ca02c", 3100, 3300, "123×"))),
                    new BarChart.Group("Fifty candidates", List.of(
                            new BarChart.Bar("k8s-leader", "camel-k8s-leader", "#1f77b4", 48, 96, ""),
                            new BarChart.Bar("camel-master", "Camel", "#2ca02c", Double.NaN, Double.NaN, "")))));

    private static SvgPicture drawn() {
        return SvgPicture.parse(CHART.render());
    }

    @Test
    void isAWellFormedSvgDocumentWithItsTitleAndCaptions() {
        SvgPicture picture = drawn();

        assertThat(picture.width()).isEqualTo(BarChart.WIDTH);
        assertThat(picture.texts()).contains("Handover", "a caption", "measured at abc1234");
    }

    @Test
    void headsEachGroupWithItsFigure() {
        assertThat(drawn().withClass("heading")).extracting(Element::getTextContent)
                .containsExactly("Graceful handover", "Fifty candidates");
    }

    @Test
    void drawsABarPerMeasuredFigureAndSaysWhichWereNotRun() {
        SvgPicture picture = drawn();

        assertThat(picture.withClass("bar")).extracting(e -> e.getAttribute("data-impl"))
                .containsExactly("k8s-leader", "fabric8", "camel-master", "k8s-leader");
        assertThat(picture.withClass("not-run")).extracting(e -> e.getAttribute("data-impl"))
                .containsExactly("camel-master");
    }

    @Test
    void drawsEachBarFromTheAxisToItsMedianOnTheChartsLogScale() {
        LogScale scale = CHART.scale();

        for (Element bar : drawn().withClass("bar")) {
            double median = Double.parseDouble(bar.getAttribute("data-median"));
            assertThat(number(bar, "x")).isCloseTo(scale.left(), within(0.1));
            assertThat(number(bar, "width")).isCloseTo(scale.x(median) - scale.left(), within(0.1));
        }
    }

    @Test
    void drawsALongerBarForALongerMedianInTheRatioOfTheirLogarithms() {
        List<Element> bars = drawn().withClass("bar");
        double k8sLeader = number(bars.get(0), "width");
        double fabric8 = number(bars.get(1), "width");
        double camel = number(bars.get(2), "width");
        double min = CHART.scale().min();

        assertThat(k8sLeader).isLessThan(fabric8).isLessThan(camel);
        assertThat(fabric8 / camel).isCloseTo(Math.log10(1300 / min) / Math.log10(3100 / min), within(1e-3));
    }

    @Test
    void spansTheDecadesAroundEveryMedianAndP95() {
        LogScale scale = CHART.scale();

        assertThat(scale.min()).isEqualTo(10);
        assertThat(scale.max()).isEqualTo(10_000);
        assertThat(drawn().withClass("decade")).hasSize(4);
        assertThat(drawn().texts()).contains("10 ms", "100 ms", "1 s", "10 s");
    }

    @Test
    void drawsTheP95AsAWhiskerFromTheMedianOn() {
        LogScale scale = CHART.scale();

        List<Element> whiskers = drawn().withClass("p95");

        assertThat(whiskers).hasSize(4);
        assertThat(number(whiskers.get(1), "x1")).isCloseTo(scale.x(1300), within(0.1));
        assertThat(number(whiskers.get(1), "x2")).isCloseTo(scale.x(1500), within(0.1));
    }

    @Test
    void labelsEachBarWithItsMedianAndItsRatio() {
        assertThat(drawn().withClass("value")).extracting(Element::getTextContent)
                .containsExactly("25 ms", "1.3 s (52×)", "3.1 s (123×)", "48 ms");
    }

    @Test
    void writesDurationsInMillisecondsBelowASecondAndInSecondsFromOne() {
        assertThat(BarChart.duration(7.46)).isEqualTo("7.5 ms");
        assertThat(BarChart.duration(28.3)).isEqualTo("28 ms");
        assertThat(BarChart.duration(999)).isEqualTo("999 ms");
        assertThat(BarChart.duration(2024.9)).isEqualTo("2.0 s");
        assertThat(BarChart.duration(15_795.8)).isEqualTo("15.8 s");
    }
}
