package io.github.camelk8s.leader.example;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests of examples/kubernetes fit this application as its Dockerfile packages it: the Deployment's
 * hardening, its ports against application.properties, the NetworkPolicy against the Deployment, and the narrow
 * Role against the Lease the routes compete for. The API server's view of them (schema, RBAC objects) is
 * scripts/k8s-e2e/k8s-e2e.sh check-manifests, a dry run on a real server.
 */
class KubernetesManifestsTest {

    private static final Path MANIFESTS = Path.of("..", "kubernetes");
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    private static List<HasMetadata> load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(MANIFESTS.resolve(file))) {
            Object loaded = new KubernetesSerialization().unmarshal(in);
            if (loaded instanceof List<?> list) {
                return list.stream().map(HasMetadata.class::cast).toList();
            }
            return List.of((HasMetadata) loaded);
        }
    }

    private static <T extends HasMetadata> T only(String file, Class<T> kind) throws IOException {
        List<T> found = load(file).stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(found).as(kind.getSimpleName() + " in " + file).hasSize(1);
        return found.get(0);
    }

    private static Deployment deployment() throws IOException {
        return only("deployment.yaml", Deployment.class);
    }

    private static Container app(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static int managementPort() throws IOException {
        return Integer.parseInt(applicationProperties().getProperty("camel.management.port"));
    }

    @Test
    void theDeploymentRunsAsNonRootWithoutPrivilegesOnAReadOnlyRootFilesystem() throws IOException {
        Deployment deployment = deployment();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container app = app(deployment);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(app.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        // the one writable place, an emptyDir
        assertThat(app.getVolumeMounts()).singleElement().satisfies(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(mount.getName())).singleElement()
                    .satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull());
        });
    }

    @Test
    void theDeploymentRunsAsTheImagesNumericUser() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+)$").matcher(Files.readString(DOCKERFILE));

        assertThat(user.find()).as("a numeric USER in the Dockerfile").isTrue();
        assertThat(deployment().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
                .isEqualTo(Long.parseLong(user.group(1)));
    }

    @Test
    void theImageIsBuiltOnABaseImagePinnedToAFullVersion() throws IOException {
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)$").matcher(Files.readString(DOCKERFILE));

        assertThat(from.find()).isTrue();
        // Temurin's tags: <feature>.<interim>.<update>_<build>-jre-<distribution>, not 17-jre or latest
        assertThat(from.group(1)).matches("eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-jre-[a-z]+");
    }

    @Test
    void theDeploymentDeclaresAndProbesOnlyTheManagementPortWhileStepDownListensOnLoopback() throws IOException {
        Container app = app(deployment());
        Properties properties = applicationProperties();

        assertThat(app.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(managementPort());
        String management = app.getPorts().get(0).getName();
        assertThat(app.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo(management);
        assertThat(app.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo(management);
        assertThat(properties.getProperty("camel.server.host")).isEqualTo("127.0.0.1");
    }

    @Test
    void theNetworkPolicyAdmitsOnlyTheManagementPortToTheDeploymentsPods() throws IOException {
        NetworkPolicy policy = only("networkpolicy.yaml", NetworkPolicy.class);

        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).flatExtracting(rule -> rule.getPorts())
                .extracting(port -> port.getPort().getIntVal()).containsExactly(managementPort());
        assertThat(policy.getSpec().getEgress()).flatExtracting(rule -> rule.getPorts())
                .extracting(NetworkPolicyPort::getPort).extracting(port -> port.getIntVal())
                .containsExactlyInAnyOrder(443, 6443);
    }

    @Test
    void theRoleGrantsNoPatchNorDelete() throws IOException {
        assertThat(only("rbac.yaml", Role.class).getRules()).filteredOn(r -> r.getResources().contains("leases"))
                .singleElement().satisfies(rule -> assertThat(rule.getVerbs())
                        .containsExactly("get", "list", "watch", "create", "update"));
    }

    @Test
    void theNarrowRoleWritesOnlyThePreCreatedLeaseTheRoutesCompeteFor() throws IOException {
        List<HasMetadata> objects = load("rbac-resourcenames.yaml");
        List<PolicyRule> leaseRules = only("rbac-resourcenames.yaml", Role.class).getRules().stream()
                .filter(r -> r.getResources().contains("leases")).toList();

        assertThat(objects).filteredOn(o -> o.getKind().equals("Lease")).singleElement()
                .satisfies(lease -> assertThat(lease.getMetadata().getName()).isEqualTo(LeaderRoutes.LEASE));
        assertThat(leaseRules).filteredOn(r -> !r.getResourceNames().isEmpty()).singleElement().satisfies(rule -> {
            assertThat(rule.getResourceNames()).containsExactly(LeaderRoutes.LEASE);
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update");
        });
        assertThat(leaseRules).filteredOn(r -> r.getResourceNames().isEmpty()).flatExtracting(PolicyRule::getVerbs)
                .as("what every Lease of the namespace is open to: reading").containsExactlyInAnyOrder("list", "watch");
    }
}
