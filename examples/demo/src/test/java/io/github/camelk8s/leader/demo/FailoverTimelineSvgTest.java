package io.github.camelk8s.leader.demo;

import java.util.List;

import io.github.camelk8s.leader.demo.FailoverTimeline.Action;
import io.github.camelk8s.leader.demo.FailoverTimeline.Action.Kind;
import io.github.camelk8s.leader.demo.FailoverTimeline.Holding;
import io.github.camelk8s.leader.demo.FailoverTimeline.Leading;
import io.github.camelk8s.leader.demo.FailoverTimeline.Measurement;
import io.github.camelk8s.leader.testsupport.Svg;
import io.github.camelk8s.leader.testsupport.SvgPicture;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import static io.github.camelk8s.leader.testsupport.SvgPicture.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The failover timeline drawn from known intervals, read back with the JDK's XML parser: the demo's run in
 * miniature, 10 s long, pod-a stopped at 3 s, pod-b killed at 6 s, pod-c taking over at 9 s.
 */
class FailoverTimelineSvgTest {

    private static final List<String> PODS = List.of("pod-a", "pod-b", "pod-c");
    private static final List<Leading> LEADING = List.of(new Leading("pod-a", 500, 3000),
            new Leading("pod-b", 3025, 6000), new Leading("pod-c", 9000, 10_000));
    private static final List<Holding> HOLDINGS = List.of(new Holding("pod-a", 400, 3010),
            new Holding("", 3010, 3020), new Holding("pod-b", 3020, 9000), new Holding("pod-c", 9000, 10_000));
    private static final List<Long> RECORDS = List.of(400L, 1400L, 2400L, 3020L, 4020L, 5020L, 9000L);
    private static final List<Action> ACTIONS = List.of(new Action(Kind.STOP, "pod-a", 3000),
            new Action(Kind.KILL, "pod-b", 6000), new Action(Kind.STOP, "pod-c", 9900));
    private static final List<Measurement> MEASUREMENTS = List.of(new Measurement("handover", 3000, 3025),
            new Measurement("take-over after the kill", 6000, 9000));

    private static FailoverTimeline timeline(List<Action> actions) {
        return new FailoverTimeline("a failover", "on a test", PODS, LEADING, HOLDINGS, RECORDS, actions,
                MEASUREMENTS, 10_000);
    }

    private static SvgPicture drawn() {
        return SvgPicture.parse(FailoverTimelineSvg.render(timeline(ACTIONS)));
    }

    private static double x(long millis) {
        return FailoverTimelineSvg.PLOT_LEFT + (FailoverTimelineSvg.PLOT_RIGHT - FailoverTimelineSvg.PLOT_LEFT)
                                               * millis / 10_000.0;
    }

    @Test
    void isAWellFormedSvgDocumentOfAPositiveSize() {
        SvgPicture picture = drawn();

        assertThat(picture.width()).isEqualTo(FailoverTimelineSvg.WIDTH);
        assertThat(picture.height()).isPositive();
    }

    @Test
    void hasOneLanePerPodInOrderAndOneForTheLease() {
        assertThat(drawn().withClass("lane")).extracting(Element::getTextContent)
                .containsExactly("pod-a", "pod-b", "pod-c", "Lease holder");
    }

    @Test
    void drawsOneBarPerLeaderIntervalInThatPodsLane() {
        SvgPicture picture = drawn();
        List<Element> lanes = picture.withClass("lane");

        List<Element> bars = picture.withClass("leading");

        assertThat(bars).extracting(e -> e.getAttribute("data-pod")).containsExactly("pod-a", "pod-b", "pod-c");
        for (int i = 0; i < bars.size(); i++) {
            double laneLabel = number(lanes.get(i), "y");
            assertThat(number(bars.get(i), "y")).isBetween(laneLabel - FailoverTimelineSvg.LANE,
                    laneLabel);
        }
    }

    @Test
    void placesEachBarFromItsStartToItsEndOnALinearTimeScale() {
        List<Element> bars = drawn().withClass("leading");

        for (int i = 0; i < LEADING.size(); i++) {
            Leading leading = LEADING.get(i);
            assertThat(number(bars.get(i), "x")).isCloseTo(x(leading.from()), within(0.1));
            assertThat(number(bars.get(i), "width")).isCloseTo(x(leading.to()) - x(leading.from()), within(0.1));
        }
    }

    @Test
    void marksEveryStopAndKillWithADashedLineAndItsLabel() {
        SvgPicture picture = drawn();

        assertThat(picture.withClass("action")).extracting(e -> e.getAttribute("data-kind") + " "
                                                                + e.getAttribute("data-pod") + " at "
                                                                + e.getAttribute("x1"))
                .containsExactly("STOP pod-a at " + fmt(x(3000)), "KILL pod-b at " + fmt(x(6000)),
                        "STOP pod-c at " + fmt(x(9900)));
        assertThat(picture.texts()).contains("stop pod-a", "kill pod-b", "stop pod-c");
    }

    @Test
    void annotatesEachMeasuredDelayWithABracketAndItsMilliseconds() {
        SvgPicture picture = drawn();

        List<Element> brackets = picture.withClass("measurement");

        assertThat(brackets).extracting(e -> e.getAttribute("x1") + "-" + e.getAttribute("x2"))
                .containsExactly(fmt(x(3000)) + "-" + fmt(x(3025)), fmt(x(6000)) + "-" + fmt(x(9000)));
        assertThat(picture.texts()).contains("handover: 25 ms", "take-over after the kill: 3,000 ms");
    }

    @Test
    void drawsTheLeaseHoldersAndATickPerRecordSeen() {
        SvgPicture picture = drawn();

        assertThat(picture.withClass("holding")).extracting(e -> e.getAttribute("data-pod"))
                .containsExactly("pod-a", "", "pod-b", "pod-c");
        assertThat(picture.withClass("record")).extracting(e -> number(e, "x1"))
                .containsExactlyElementsOf(RECORDS.stream().map(r -> Double.valueOf(fmt(x(r)))).toList());
    }

    @Test
    void hasATimeAxisFromZeroToTheEndInWholeSeconds() {
        SvgPicture picture = drawn();

        List<Element> ticks = picture.withClass("tick");

        assertThat(ticks).hasSize(11);
        assertThat(number(ticks.get(0), "x1")).isEqualTo(FailoverTimelineSvg.PLOT_LEFT);
        assertThat(number(ticks.get(10), "x1")).isEqualTo(FailoverTimelineSvg.PLOT_RIGHT);
        assertThat(picture.texts()).contains("0 s", "5 s", "10 s");
    }

    @Test
    void putsLabelsThatWouldOverlapOnRowsOfTheirOwn() {
        SvgPicture picture = SvgPicture.parse(FailoverTimelineSvg.render(timeline(List.of(
                new Action(Kind.STOP, "pod-a", 3000), new Action(Kind.KILL, "pod-b", 3050)))));

        assertThat(number(picture.text("stop pod-a"), "y")).isNotEqualTo(number(picture.text("kill pod-b"), "y"));
    }

    @Test
    void endsALabelNearTheRightEdgeLeftOfItsMark() {
        Element last = drawn().text("stop pod-c");

        assertThat(last.getAttribute("text-anchor")).isEqualTo("end");
        assertThat(number(last, "x")).isLessThan(x(9900));
    }

    @Test
    void keepsEveryTextInsideThePicture() {
        assertThat(drawn().textsPastTheEdges()).isEmpty();
    }

    /** A coordinate as the picture writes it. */
    private static String fmt(double x) {
        return Svg.number(x);
    }
}
