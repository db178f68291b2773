package io.github.camelk8s.leader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.election.Durations;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The documentation says what the code does: the option tables of docs/configuration.md are generated from the
 * component JSON that camel-package-maven-plugin builds from the annotations (regenerate them with
 * {@code -Dk8sleader.updateDocs=true}), and the defaults quoted elsewhere (README, component page, timing guide)
 * are the ones in that JSON.
 */
class ConfigurationDocsTest {

    static final Path DOCS = Path.of("..", "docs");
    static final Path CONFIGURATION = DOCS.resolve("configuration.md");
    static final Path README = Path.of("..", "README.md");
    static final Path COMPONENT_PAGE = Path.of("src", "main", "docs", "k8s-leader-component.adoc");
    static final Path TIMING = DOCS.resolve("timing-and-failover.md");
    static final String UPDATE = "k8sleader.updateDocs";

    private static final Pattern BLOCK = Pattern.compile(
            "(<!-- BEGIN generated: ([a-z-]+) -->\\n)(.*?)(<!-- END generated: \\2 -->)", Pattern.DOTALL);

    private static JsonNode json(String resource) throws IOException {
        try (InputStream in = ConfigurationDocsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static JsonNode component() throws IOException {
        return json("META-INF/io/github/camelk8s/leader/k8s-leader.json");
    }

    static JsonNode clusterServiceBean() throws IOException {
        return json("META-INF/services/org/apache/camel/bean/K8sLeaderClusterService.json");
    }

    @Test
    void theConfigurationReferenceIsGeneratedFromTheComponentJson() throws IOException {
        String doc = Files.readString(CONFIGURATION, StandardCharsets.UTF_8);
        Map<String, String> blocks = generatedBlocks();

        Matcher matcher = BLOCK.matcher(doc);
        StringBuilder expected = new StringBuilder();
        List<String> found = new ArrayList<>();
        while (matcher.find()) {
            String name = matcher.group(2);
            found.add(name);
            assertThat(blocks).as("generated block names").containsKey(name);
            matcher.appendReplacement(expected, Matcher.quoteReplacement(
                    matcher.group(1) + blocks.get(name) + matcher.group(4)));
        }
        matcher.appendTail(expected);
        assertThat(found).as("generated blocks in " + CONFIGURATION).containsExactlyInAnyOrderElementsOf(blocks.keySet());

        if (!expected.toString().equals(doc)) {
            if (Boolean.getBoolean(UPDATE)) {
                Files.writeString(CONFIGURATION, expected.toString(), StandardCharsets.UTF_8);
            } else {
                fail(CONFIGURATION + " does not match k8s-leader.json; regenerate it with: mvn -B test -pl "
                     + "camel-k8s-leader -Dtest=ConfigurationDocsTest -D" + UPDATE + "=true");
            }
        }
    }

    @Test
    void theReadmeOptionsTableNamesEveryElectionOptionWithItsDefault() throws IOException {
        String options = section(Files.readString(README, StandardCharsets.UTF_8), "## Options");
        JsonNode properties = component().get("componentProperties");
        for (String option : electionOptions()) {
            String row = row(options, option);
            assertThat(row).as("README options table row for " + option).isNotNull();
            String rendered = defaultOf(properties.get(option));
            if (!rendered.isEmpty()) {
                assertThat(row).as("README default of " + option).contains(rendered);
            }
        }
        assertThat(row(options, "kubernetesClient")).isNotNull();
    }

    @Test
    void theTimingTablesQuoteTheDefaults() throws IOException {
        JsonNode properties = component().get("componentProperties");
        String page = Files.readString(COMPONENT_PAGE, StandardCharsets.UTF_8);
        String timing = Files.readString(TIMING, StandardCharsets.UTF_8);
        for (String option : List.of("leaseDuration", "renewDeadline", "renewalInterval", "retryPeriod")) {
            String rendered = defaultOf(properties.get(option)).replace("`", "");
            assertThat(row(section(page, "== Timing"), option)).as("component page, " + option)
                    .contains("| " + rendered);
            assertThat(row(timing, option)).as("timing guide, " + option).contains("| " + rendered + " |");
        }
    }

    @Test
    void theRoutePolicyHasASetterForEveryElectionOptionAndTheClusterServiceHoldsTheOptionsType() throws Exception {
        for (String option : electionOptions()) {
            String setter = "set" + Character.toUpperCase(option.charAt(0)) + option.substring(1);
            assertThat(Arrays.stream(K8sLeaderRoutePolicy.class.getMethods()).map(m -> m.getName()))
                    .as("K8sLeaderRoutePolicy setters").contains(setter);
        }
        assertThat(K8sLeaderClusterService.class.getMethod("getConfiguration").getReturnType())
                .isEqualTo(K8sLeaderConfiguration.class);
    }

    @Test
    void theDocumentedDefaultsAreTheOnesAnElectionGets() throws IOException {
        JsonNode properties = component().get("componentProperties");
        LeaderElectionConfig applied = new K8sLeaderConfiguration().toElectionConfig("lease", "default", "pod-a");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("leaseDuration", applied.leaseDuration());
        expected.put("renewDeadline", applied.renewDeadline());
        expected.put("retryPeriod", applied.retryPeriod());
        expected.put("renewalInterval", applied.renewalInterval());
        expected.forEach((option, value) -> assertThat(Durations.parse(option,
                properties.get(option).get("defaultValue").asText())).as("default of " + option).isEqualTo(value));
        assertThat(properties.get("releaseOnStop").get("defaultValue").asBoolean()).isEqualTo(applied.releaseOnStop());
        assertThat(properties.get("loggingLevel").get("defaultValue").asText())
                .isEqualTo(applied.loggingLevel().name());
        K8sLeaderConfiguration unset = new K8sLeaderConfiguration();
        assertThat(properties.get("awaitLeadership").get("defaultValue").asBoolean())
                .isEqualTo(unset.awaitsLeadership());
        assertThat(properties.get("recordEvents").get("defaultValue").asBoolean()).isEqualTo(unset.recordsEvents());
        assertThat(unset.awaitLeadershipTimeout(applied)).as("awaitLeadershipTimeout: leaseDuration + renewDeadline")
                .isEqualTo(applied.leaseDuration().plus(applied.renewDeadline()));
    }

    /** The options of K8sLeaderConfiguration: the election options shared by component, endpoints and policies. */
    static List<String> electionOptions() {
        return Arrays.stream(K8sLeaderConfiguration.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(UriParam.class)).map(Field::getName).toList();
    }

    // ---- generation ----------------------------------------------------------------------------------------

    static Map<String, String> generatedBlocks() throws IOException {
        JsonNode json = component();
        Map<String, String> blocks = new LinkedHashMap<>();
        blocks.put("component-options", optionTable(json.get("componentProperties"), false));
        blocks.put("endpoint-options", optionTable(json.get("properties"), true));
        blocks.put("headers", headerTable(json.get("headers")));
        blocks.put("cluster-service-options", beanTable(clusterServiceBean().get("bean").get("properties")));
        return blocks;
    }

    private static String optionTable(JsonNode options, boolean endpoint) {
        StringBuilder table = new StringBuilder("| Option | Group | Default | Type | Description |\n"
                                                + "|---|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> option = it.next();
            JsonNode o = option.getValue();
            String name = "path".equals(o.path("kind").asText()) ? "`" + option.getKey() + "` (path)"
                    : "`" + option.getKey() + "`";
            table.append("| ").append(name)
                    .append(" | ").append(o.path("group").asText())
                    .append(" | ").append(defaultOf(o))
                    .append(" | ").append(typeOf(o))
                    .append(" | ").append(cell(o.path("description").asText()))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String headerTable(JsonNode headers) {
        StringBuilder table = new StringBuilder("| Header | Set by | Type | Description |\n|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            JsonNode h = header.getValue();
            String label = h.path("label").asText();
            String setBy = switch (label) {
                case "consumer" -> "consumer";
                case "policy" -> "route policy";
                default -> "consumer, producer";
            };
            String type = h.path("javaType").asText() + enumValues(h);
            table.append("| `").append(header.getKey()).append("` | ").append(setBy).append(" | ").append(type)
                    .append(" | ").append(cell(h.path("description").asText())).append(" |\n");
        }
        return table.toString();
    }

    private static String beanTable(JsonNode properties) {
        StringBuilder table = new StringBuilder("| Property | Type | Description |\n|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> property = it.next();
            JsonNode p = property.getValue();
            table.append("| `").append(property.getKey()).append("` | ").append(p.path("javaType").asText())
                    .append(" | ").append(cell(p.path("description").asText())).append(" |\n");
        }
        return table.toString();
    }

    /** The default as the docs write it: durations in Camel's syntax ({@code 15s}), everything else as is. */
    static String defaultOf(JsonNode option) {
        if (option == null || !option.has("defaultValue")) {
            return "";
        }
        String value = option.get("defaultValue").asText();
        if ("duration".equals(option.path("type").asText()) && value.matches("\\d+")) {
            long millis = Long.parseLong(value);
            value = millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }
        return "`" + value + "`";
    }

    private static String typeOf(JsonNode option) {
        String type = option.path("type").asText();
        if ("object".equals(type)) {
            String javaType = option.path("javaType").asText();
            return javaType.substring(javaType.lastIndexOf('.') + 1);
        }
        return type + enumValues(option);
    }

    private static String enumValues(JsonNode option) {
        if (!option.has("enum")) {
            return "";
        }
        List<String> values = new ArrayList<>();
        option.get("enum").forEach(v -> values.add("`" + v.asText() + "`"));
        return ": " + String.join(", ", values);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    // ---- reading the docs ----------------------------------------------------------------------------------

    /** The text from a heading to the next heading of the same level. */
    static String section(String doc, String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        assertThat(start).as("heading " + heading).isNotNegative();
        String marker = heading.substring(0, heading.indexOf(' ') + 1);
        int end = doc.indexOf("\n" + marker, start + heading.length() + 1);
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    /** The first table row whose first cell names {@code option} in backticks, or null. */
    static String row(String text, String option) {
        return text.lines().filter(l -> l.startsWith("|"))
                .filter(l -> Arrays.stream(l.split("\\|")).map(String::trim).filter(c -> !c.isEmpty()).findFirst()
                        .map(c -> c.equals("`" + option + "`")).orElse(false)
                             || l.matches("\\|\\s*[A-Z]{2}\\s*\\|\\s*`" + option + "`.*"))
                .findFirst().orElse(null);
    }

}
