package io.github.camelk8s.leader.management;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard and the Prometheus alert rules of examples/kubernetes/monitoring read what the component
 * publishes: every metric their PromQL selects is in a Prometheus scrape of a pod that runs the component, and every
 * label they match or group by is on those metrics, or is the scrape target's {@code pod}.
 */
class MonitoringFilesTest {

    private static final Path MONITORING = Path.of("..", "examples", "kubernetes", "monitoring");
    private static final Path DASHBOARD = MONITORING.resolve("grafana-dashboard.json");
    private static final Path RULES = MONITORING.resolve("alert-rules.yaml");
    /**
     * Labels that Prometheus adds from the scrape target, not the component: the pod (kubernetes_sd's pod name, as
     * prometheus-operator's PodMonitor and ServiceMonitor add it). The component leaves the pod out on purpose.
     */
    private static final Set<String> TARGET_LABELS = Set.of("pod");
    /** Grafana's {@code label_values(selector, label)}: a template variable's values. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)");
    private static final Pattern ANNOTATION_LABEL = Pattern.compile("\\$labels\\.(\\w+)");

    @RegisterExtension
    final Pods pods = new Pods();

    /** One PromQL expression of a file, and the labels that the file reads off its result. */
    private record Query(String where, String expression, Set<String> resultLabels) {

        PromQl.Names names() {
            return PromQl.names(expression);
        }
    }

    // ---- what the component publishes ----------------------------------------------------------------------------

    /** Each metric of a Prometheus scrape of a leading pod, with its labels, as Prometheus stores them. */
    private Map<String, Set<String>> scrapedMetrics() {
        CamelPod pod = pods.create("pod-a");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        pod.context().getRegistry().bind("metricsRegistry", registry);
        pod.start();
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        Map<String, Set<String>> metrics = new TreeMap<>();
        Pattern sample = Pattern.compile("^(\\w+)(?:\\{(.*)})? \\S+$");
        Pattern label = Pattern.compile("(\\w+)=\"");
        for (String line : registry.scrape().split("\n")) {
            Matcher m = sample.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                Set<String> labels = metrics.computeIfAbsent(m.group(1), name -> new TreeSet<>());
                Matcher l = label.matcher(m.group(2) == null ? "" : m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        assertThat(metrics).as("the scrape of a leading pod").containsKey("k8s_leader_is_leader");
        return metrics;
    }

    // ---- what the files read -------------------------------------------------------------------------------------

    private static List<Query> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel '" + panel.path("title").asText() + "'", target.path("expr").asText(),
                        legendLabels(target.path("legendFormat").asText())));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher labelValues = LABEL_VALUES.matcher(text);
            if (labelValues.matches()) {
                // the label whose values it lists must be on the selected metric: as a one-label grouping
                queries.add(new Query("variable $" + variable.path("name").asText(),
                        "max by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")", Set.of()));
            }
        }
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(5);
        return queries;
    }

    /** The panels, those inside collapsed rows included. */
    private static List<JsonNode> panels(JsonNode container) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : container.path("panels")) {
            panels.add(panel);
            panels.addAll(panels(panel));
        }
        return panels;
    }

    private static Set<String> legendLabels(String legend) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}").matcher(legend);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    private static JsonNode rules() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(RULES.toFile()).path("groups").path(0).path("rules");
        assertThat(rules).as("the alert rules").hasSizeGreaterThanOrEqualTo(2);
        return rules;
    }

    private static List<Query> ruleQueries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (JsonNode rule : rules()) {
            Set<String> annotated = new LinkedHashSet<>();
            Matcher m = ANNOTATION_LABEL.matcher(rule.path("annotations").toString());
            while (m.find()) {
                annotated.add(m.group(1));
            }
            queries.add(new Query("alert " + rule.path("alert").asText(), rule.path("expr").asText(), annotated));
        }
        return queries;
    }

    private static JsonNode rule(String alert) throws IOException {
        for (JsonNode rule : rules()) {
            if (alert.equals(rule.path("alert").asText())) {
                return rule;
            }
        }
        throw new AssertionError("no alert " + alert + " in " + RULES);
    }

    // ---- the checks ----------------------------------------------------------------------------------------------

    /** Every metric the queries select, each with where it is selected, that the scrape does not have. */
    private static Map<String, String> unknownMetrics(List<Query> queries, Map<String, Set<String>> scraped) {
        Map<String, String> unknown = new TreeMap<>();
        for (Query query : queries) {
            assertThat(query.names().metrics()).as(query.where() + " selects a metric").isNotEmpty();
            query.names().metrics().stream().filter(metric -> !scraped.containsKey(metric))
                    .forEach(metric -> unknown.put(metric, query.where()));
        }
        return unknown;
    }

    /** Every label a query matches or groups by that neither its metrics nor the scrape target have. */
    private static List<String> unknownLabels(List<Query> queries, Map<String, Set<String>> scraped) {
        List<String> unknown = new ArrayList<>();
        for (Query query : queries) {
            PromQl.Names names = query.names();
            Set<String> available = new TreeSet<>(TARGET_LABELS);
            for (PromQl.Selector selector : names.selectors()) {
                Set<String> own = scraped.getOrDefault(selector.metric(), Set.of());
                available.addAll(own);
                selector.matcherLabels().stream().filter(l -> !own.contains(l) && !TARGET_LABELS.contains(l))
                        .forEach(l -> unknown.add(query.where() + ": " + selector.metric() + "{" + l + "}"));
            }
            names.groupingLabels().stream().filter(l -> !available.contains(l))
                    .forEach(l -> unknown.add(query.where() + ": by (" + l + ")"));
        }
        return unknown;
    }

    @Test
    void everyMetricTheDashboardSelectsIsOneTheComponentPublishes() throws IOException {
        assertThat(unknownMetrics(dashboardQueries(), scrapedMetrics())).isEmpty();
    }

    @Test
    void everyMetricTheAlertRulesSelectIsOneTheComponentPublishes() throws IOException {
        assertThat(unknownMetrics(ruleQueries(), scrapedMetrics())).isEmpty();
    }

    @Test
    void everyLabelTheyMatchOrGroupByIsOnTheirMetricsOrTheScrapeTarget() throws IOException {
        Map<String, Set<String>> scraped = scrapedMetrics();

        assertThat(unknownLabels(dashboardQueries(), scraped)).isEmpty();
        assertThat(unknownLabels(ruleQueries(), scraped)).isEmpty();
    }

    @Test
    void everyLabelALegendOrAnAnnotationShowsSurvivesTheAggregation() throws IOException {
        List<String> lost = new ArrayList<>();
        for (Query query : concat(dashboardQueries(), ruleQueries())) {
            Set<String> grouping = query.names().groupingLabels();
            query.resultLabels().stream().filter(l -> !grouping.contains(l))
                    .forEach(l -> lost.add(query.where() + ": " + l + " is not in " + grouping));
        }
        assertThat(lost).isEmpty();
    }

    @Test
    void theDashboardShowsTheLeadersAsAStateTimelineAndTheTransitionsAndErrors() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Map<String, Set<String>> metricsByPanelType = new TreeMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                metricsByPanelType.computeIfAbsent(panel.path("type").asText(), t -> new TreeSet<>())
                        .addAll(PromQl.names(target.path("expr").asText()).metrics());
            }
        }

        assertThat(metricsByPanelType.get("state-timeline")).containsExactly("k8s_leader_is_leader");
        assertThat(metricsByPanelType.values().stream().flatMap(Set::stream))
                .contains("k8s_leader_lease_transitions", "k8s_leader_errors_total");
    }

    @Test
    void theNoLeaderAlertWaitsLeaseDurationPlusRenewDeadlineOfTheDefaultTimings() throws IOException {
        JsonNode noLeader = rule("K8sLeaderNoLeader");

        assertThat(PromQl.names(noLeader.path("expr").asText()).metrics()).containsExactly("k8s_leader_is_leader");
        assertThat(prometheusDuration(noLeader.path("for").asText())).isEqualTo(
                LeaderElectionConfig.DEFAULT_LEASE_DURATION.plus(LeaderElectionConfig.DEFAULT_RENEW_DEADLINE));
    }

    @Test
    void thePromQlScannerTellsMetricsFromFunctionsKeywordsLabelsAndVariables() {
        PromQl.Names names = PromQl.names("sum by (namespace, lease) (rate(a_total{lease=~\"$lease\", pod!='x'}"
                                          + "[$__rate_interval])) / on (lease) group_left (pod) max(b offset 10m)"
                                          + " > bool 3 and ${datasource} or c_1:d{x=\"{y}\"}");

        assertThat(names.metrics()).containsExactly("a_total", "b", "c_1:d");
        assertThat(names.selectors()).extracting(PromQl.Selector::matcherLabels)
                .containsExactly(Set.of("lease", "pod"), Set.of(), Set.of("x"));
        assertThat(names.groupingLabels()).containsExactly("namespace", "lease", "pod");
    }

    private static List<Query> concat(List<Query> first, List<Query> second) {
        List<Query> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** A Prometheus duration of whole units ({@code 25s}, {@code 1m30s}, {@code 10m}). */
    private static Duration prometheusDuration(String text) {
        Matcher part = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = part.end();
        }
        assertThat(end).as("'" + text + "' is a Prometheus duration").isEqualTo(text.length()).isPositive();
        return total;
    }
}
