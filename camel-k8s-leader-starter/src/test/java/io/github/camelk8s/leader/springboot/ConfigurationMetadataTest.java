package io.github.camelk8s.leader.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.util.StringHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Boot metadata IDEs complete from ({@code META-INF/spring-configuration-metadata.json}, written by
 * spring-boot-configuration-processor) names every option of the component's own catalog entry
 * ({@code k8s-leader.json}, written by camel-package-maven-plugin), with its type, description and default.
 */
class ConfigurationMetadataTest {

    /** Component options that are objects, not properties: a bean in the application context is used instead. */
    private static final Set<String> OBJECT_OPTIONS = Set.of("configuration", "kubernetesClient", "electionClock");
    /** The options of the election itself, which the cluster service has too. */
    private static final Set<String> COMPONENT_ONLY = Set.of("bridgeErrorHandler", "lazyStartProducer",
            "autowiredEnabled");

    private static JsonNode read(String resource) throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    private static Map<String, JsonNode> springProperties() throws IOException {
        Map<String, JsonNode> byName = new HashMap<>();
        read("META-INF/spring-configuration-metadata.json").get("properties")
                .forEach(property -> byName.put(property.get("name").asText(), property));
        return byName;
    }

    private static JsonNode componentOptions() throws IOException {
        return read("META-INF/io/github/camelk8s/leader/k8s-leader.json").get("componentProperties");
    }

    @Test
    void everyComponentOptionIsAPropertyWithItsTypeDescriptionAndDefault() throws IOException {
        Map<String, JsonNode> spring = springProperties();
        for (Iterator<Map.Entry<String, JsonNode>> it = componentOptions().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> option = it.next();
            if (OBJECT_OPTIONS.contains(option.getKey())) {
                continue;
            }
            String name = K8sLeaderComponentConfiguration.PREFIX + "." + StringHelper.camelCaseToDash(option.getKey());
            JsonNode property = spring.get(name);
            assertThat(property).as(name).isNotNull();
            assertThat(property.path("type").asText()).as(name + " type")
                    .isEqualTo(option.getValue().get("javaType").asText().replace("boolean", "java.lang.Boolean"));
            assertThat(property.path("description").asText()).as(name + " description").isNotBlank();
            assertThat(property.path("defaultValue").asText(null)).as(name + " default")
                    .isEqualTo(option.getValue().path("defaultValue").asText(null));
        }
    }

    @Test
    void theClusterServiceHasEveryElectionOptionWithTheComponentsAsItsDefault() throws IOException {
        Map<String, JsonNode> spring = springProperties();
        for (Iterator<String> it = componentOptions().fieldNames(); it.hasNext();) {
            String option = it.next();
            if (OBJECT_OPTIONS.contains(option) || COMPONENT_ONLY.contains(option)) {
                continue;
            }
            String name = K8sLeaderClusterServiceConfiguration.PREFIX + "." + StringHelper.camelCaseToDash(option);
            assertThat(spring.get(name)).as(name).isNotNull();
            assertThat(spring.get(name).path("defaultValue").isMissingNode()).as(name + " has no default of its own")
                    .isTrue();
        }
        assertThat(spring.get("camel.cluster.k8s-leader.enabled").path("defaultValue").asBoolean(true)).isFalse();
    }

    @Test
    void bothCanBeSwitchedOff() throws IOException {
        Map<String, JsonNode> spring = springProperties();
        assertThat(spring.get("camel.component.k8s-leader.enabled").path("defaultValue").asBoolean(false)).isTrue();
        assertThat(spring).containsKey("camel.cluster.k8s-leader.enabled");
    }
}
