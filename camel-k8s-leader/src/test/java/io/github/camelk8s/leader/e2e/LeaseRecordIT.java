package io.github.camelk8s.leader.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Lease as the API server stores it and as {@code kubectl} shows it: the record of client-go (holderIdentity,
 * leaseDurationSeconds, acquireTime and renewTime as MicroTime, leaseTransitions), so operators and other tools
 * read it like any leader-election Lease.
 */
class LeaseRecordIT {

    /** metav1.MicroTime on the wire: RFC 3339 in UTC with exactly six fractional digits. */
    private static final Pattern MICRO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");

    @RegisterExtension
    final E2E e2e = new E2E();

    private String lease;
    private CamelPod next;

    /** A Lease after one handover: held by the second pod, one transition. */
    @BeforeEach
    void handOverOnce() {
        lease = e2e.lease("record");
        CamelPod first = e2e.pod("pod-a", lease).start();
        await().atMost(Pods.PATIENCE).until(first::isLeader);
        next = e2e.pod("pod-b", lease).start();
        await().atMost(Pods.PATIENCE).until(() -> !next.events().isEmpty());
        first.stop();
        await().atMost(Pods.PATIENCE).until(next::isLeader);
    }

    @Test
    void theApiServerStoresTheRecordWithMicroTimes() {
        String json = e2e.admin().raw("/apis/coordination.k8s.io/v1/namespaces/" + E2E.namespace() + "/leases/" + lease);

        Map<String, Object> spec = spec(e2e.admin().getKubernetesSerialization().unmarshal(json, Map.class));
        assertRecord(spec);
    }

    @Test
    void kubectlReadsTheLease() {
        String kubectl = kubectl();

        Map<String, Object> spec = spec(e2e.admin().getKubernetesSerialization()
                .unmarshal(run(kubectl, "get", "lease", lease, "-n", E2E.namespace(), "-o", "yaml"), Map.class));
        assertRecord(spec);

        assertThat(run(kubectl, "get", "lease", lease, "-n", E2E.namespace(), "-o", "jsonpath={.spec.holderIdentity}"))
                .isEqualTo("pod-b");
        List<String> table = run(kubectl, "get", "lease", lease, "-n", E2E.namespace()).lines().toList();
        assertThat(table.get(0)).contains("NAME", "HOLDER");
        assertThat(table).anySatisfy(line -> assertThat(line.split("\\s+")).startsWith(lease, "pod-b"));
    }

    private void assertRecord(Map<String, Object> spec) {
        assertThat(spec).containsEntry("holderIdentity", next.name())
                .containsEntry("leaseDurationSeconds", (int) CamelPod.LEASE_DURATION.toSeconds())
                .containsEntry("leaseTransitions", 1);
        assertThat((String) spec.get("renewTime")).matches(MICRO_TIME);
        assertThat((String) spec.get("acquireTime")).matches(MICRO_TIME);
        assertThat((String) spec.get("renewTime")).isGreaterThanOrEqualTo((String) spec.get("acquireTime"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<?, ?> lease) {
        assertThat(lease.get("kind")).isEqualTo("Lease");
        assertThat(lease.get("apiVersion")).isEqualTo("coordination.k8s.io/v1");
        return (Map<String, Object>) lease.get("spec");
    }

    /** kubectl from the PATH, or the test is skipped saying so. */
    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "kubectl");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        Assumptions.abort("skipped: kubectl is not on the PATH (scripts/k8s-e2e/k8s-e2e.sh up installs Debian's "
                          + "kubernetes-client)");
        return null;
    }

    /** Runs kubectl with this JVM's environment (so its KUBECONFIG) and returns its standard output. */
    private static String run(String... command) {
        try {
            File stderr = File.createTempFile("kubectl", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(stderr).start();
                process.getOutputStream().close();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("%s failed: %s", String.join(" ", command),
                        Files.readString(stderr.toPath())).isZero();
                return out;
            } finally {
                stderr.delete();
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
