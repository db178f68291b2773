package io.github.camelk8s.leader.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.LogCapture;
import io.github.camelk8s.leader.pods.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The permissions of docs/rbac.md on a server that enforces RBAC: the documented Role, bound as the manifest binds
 * it, is all the component needs, and so is the narrower Role of rbac-resourcenames.yaml on its pre-created Lease,
 * which refuses every other Lease and cannot recreate its own; without it every call is refused with a 403 that the log explains (verb,
 * resource, namespace, Lease), once, while the candidate retries at its retryPeriod and no faster; and a candidate
 * that was refused leads as soon as the Role is granted, without a restart.
 */
class RbacIT {

    private static final Logger LOG = LoggerFactory.getLogger(RbacIT.class);
    private static final Path MANIFEST = Path.of("..", "examples", "kubernetes", "rbac.yaml");
    private static final Path NARROW_MANIFEST = Path.of("..", "examples", "kubernetes", "rbac-resourcenames.yaml");
    /** The name of every object in the manifest. */
    private static final String DOCUMENTED = "camel-k8s-leader";
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(1);

    @RegisterExtension
    final E2E e2e = new E2E();

    @Test
    void theDocumentedRoleBoundToItsServiceAccountIsAllTheComponentNeeds() {
        applyDocumentedManifest();
        Config serviceAccount = tokenConfig(tokenOf(DOCUMENTED));
        String lease = e2e.lease("rbac-granted");

        electAndHandOver(serviceAccount, lease);

        // and nothing more: no delete, which the component never needs
        try (KubernetesClient client = e2e.client("probe", serviceAccount)) {
            assertThatThrownBy(() -> client.leases().inNamespace(E2E.namespace()).withName(lease).delete())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));
        }
    }

    @Test
    void theResourceNamesRoleOnItsPreCreatedLeaseIsAllTheComponentNeeds() {
        String lease = applyNarrowManifest();

        electAndHandOver(tokenConfig(tokenOf(DOCUMENTED)), lease);
    }

    @Test
    void theResourceNamesRoleRefusesEveryOtherLease() {
        applyNarrowManifest();
        String other = e2e.lease("rbac-other");
        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = startRefused("pod-other", other, tokenConfig(tokenOf(DOCUMENTED)), log);
            assertThat(refusals(log.warningsAbout(other))).first().satisfies(line -> assertThat(line.message())
                    .contains("HTTP 403", "'get'", E2E.namespace() + "/" + other));
            assertThat(pod.isLeader()).isFalse();
            assertThat(e2e.get(other)).as("nothing was written").isNull();
        }
    }

    @Test
    void withTheResourceNamesRoleADeletedLeaseIsNotRecreatedAndNobodyLeadsUntilItIsAppliedAgain() {
        String lease = applyNarrowManifest();
        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = e2e.pod("pod-a", lease, e2e.client("pod-a", tokenConfig(tokenOf(DOCUMENTED))))
                    .configure(o -> o.setRetryPeriod(RETRY_PERIOD)).start();
            await().atMost(Pods.PATIENCE).until(pod::isLeader);

            e2e.admin().leases().inNamespace(E2E.namespace()).withName(lease).delete();

            await().atMost(Pods.PATIENCE).until(() -> !pod.isLeader()
                                                      && !refusals(log.warningsAbout(lease)).isEmpty());
            assertThat(refusals(log.warningsAbout(lease))).anySatisfy(line -> assertThat(line.message())
                    .contains("Cannot create Lease " + E2E.namespace() + "/" + lease, "'create'"));
            assertThat(e2e.get(lease)).isNull();

            applyNarrowManifest();

            await().atMost(Pods.PATIENCE).until(pod::isLeader);
            assertThat(e2e.get(lease).getSpec().getHolderIdentity()).isEqualTo("pod-a");
        }
    }

    @Test
    void withoutPermissionTheLogNamesVerbResourceNamespaceAndLeaseOnceAndRetriesAreNotATightLoop()
            throws InterruptedException {
        String lease = e2e.lease("rbac-denied");
        Config denied = restrictedConfig();
        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = startRefused("pod-denied", lease, denied, log);
            long from = System.nanoTime();
            Duration window = Duration.ofSeconds(8);
            Thread.sleep(window.toMillis());
            long to = System.nanoTime();

            List<LogCapture.Line> about = log.warningsAbout(lease);
            LOG.info("what the pod logged about {}: {}", lease, about);
            assertThat(refusals(about)).as("one WARN, not one per retry").singleElement().satisfies(line -> assertThat(
                    line.message()).contains("HTTP 403", "'get'", "leases.coordination.k8s.io",
                            "namespace " + E2E.namespace(), E2E.namespace() + "/" + lease));
            // besides it: at most one line of the informer, and the two warnings at start that this test's client
            // (fabric8's 10 s request timeout) and its short timings (client-go's one-second view) deserve
            assertThat(log.warnings()).as("WARN and ERROR lines of the component in all").hasSizeLessThanOrEqualTo(4);

            RequestLog requests = e2e.requests("pod-denied");
            long gets = requests.count(RequestLog.Kind.GET, from, to);
            long lists = requests.count(RequestLog.Kind.LIST, from, to);
            long watches = requests.count(RequestLog.Kind.WATCH, from, to);
            LOG.info("refused candidate's requests: GET {}, LIST {}, WATCH {}, writes {}",
                    RequestLog.rate(gets, window), RequestLog.rate(lists, window), RequestLog.rate(watches, window),
                    requests.count(RequestLog.Kind.WRITE, from, to));
            LOG.info("refused candidate's GETs, ms after the first: {}", requests.of(RequestLog.Kind.GET).stream()
                    .map(r -> (r.nanos() - requests.of(RequestLog.Kind.GET).get(0).nanos()) / 1_000_000).toList());
            long retries = window.toMillis() / RETRY_PERIOD.toMillis();
            assertThat(gets).as("GETs of the Lease: one per retryPeriod").isBetween(retries - 2, retries + 1);
            assertThat(lists + watches).as("the informer backs off").isLessThanOrEqualTo(retries / 2 + 1);
            assertThat(requests.count(RequestLog.Kind.WRITE, from, to)).isZero();
            assertThat(pod.firstEvent(ELECTED)).isEmpty();
            assertThat(pod.isLeader()).isFalse();
            assertThat(e2e.get(lease)).as("nothing was written").isNull();
        }
    }

    @Test
    void withReadOnlyPermissionTheLogNamesTheMissingVerb() {
        String account = "camel-k8s-leader-readonly-" + E2E.randomSuffix(5);
        createServiceAccount(account);
        createRole(account, "get", "list", "watch");
        bind(account, account, account);
        String lease = e2e.lease("rbac-readonly");
        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = startRefused("pod-readonly", lease, tokenConfig(tokenOf(account)), log);
            assertThat(refusals(log.warningsAbout(lease))).singleElement().satisfies(line -> assertThat(line.message())
                    .contains("Cannot create Lease " + E2E.namespace() + "/" + lease, "HTTP 403", "'create'",
                            "leases.coordination.k8s.io"));
            assertThat(pod.isLeader()).isFalse();
            // list and watch are granted: the informer runs, so the candidate does not poll
            await().atMost(Pods.PATIENCE).until(() -> !e2e.requests("pod-readonly").of(RequestLog.Kind.WATCH)
                    .isEmpty());
        }
    }

    @Test
    void withoutListAndWatchTheElectionStillWorksByPollingEveryRetryPeriod() {
        // docs/rbac.md: "If only list or watch is missing, the election still works, but through polling"
        String account = "camel-k8s-leader-nowatch-" + E2E.randomSuffix(5);
        createServiceAccount(account);
        createRole(account, "get", "create", "update");
        bind(account, account, account);
        Config config = tokenConfig(tokenOf(account));
        String lease = e2e.lease("rbac-nowatch");
        List<CamelPod> pods = List.of("pod-a", "pod-b").stream()
                .map(name -> e2e.pod(name, lease, e2e.client(name, config))
                        .configure(o -> o.setRetryPeriod(RETRY_PERIOD)).start())
                .toList();
        CamelPod leader = Pods.awaitSingleLeader(pods);
        CamelPod follower = pods.get(0) == leader ? pods.get(1) : pods.get(0);
        await().atMost(Pods.PATIENCE).until(() -> follower.firstEvent(NEW_LEADER).isPresent());

        long stoppedAt = System.nanoTime();
        leader.stop();

        await().atMost(Pods.PATIENCE).until(follower::isLeader);
        Duration handover = Duration.ofNanos(System.nanoTime() - stoppedAt);
        LOG.info("handover without a watch took {} ms (retryPeriod {} ms)", handover.toMillis(),
                RETRY_PERIOD.toMillis());
        assertThat(handover).as("the release is seen by the next poll, not after leaseDuration")
                .isLessThan(CamelPod.LEASE_DURATION);
        assertThat(e2e.requests(follower.name()).of(RequestLog.Kind.WATCH)).isEmpty();
    }

    @Test
    void aRefusedPodLeadsOnceTheRoleIsBoundWithoutARestart() {
        applyDocumentedManifest();
        String account = "camel-k8s-leader-late-" + E2E.randomSuffix(5);
        createServiceAccount(account);
        String lease = e2e.lease("rbac-late");
        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = startRefused("pod-late", lease, tokenConfig(tokenOf(account)), log);

            long boundAt = System.nanoTime();
            bind(account, DOCUMENTED, account);

            await().atMost(Pods.PATIENCE).until(pod::isLeader);
            LOG.info("refused pod led {} ms after the RoleBinding was created",
                    Duration.ofNanos(System.nanoTime() - boundAt).toMillis());
            assertThat(e2e.get(lease).getSpec().getHolderIdentity()).isEqualTo("pod-late");
            pod.stop();
            assertThat(e2e.get(lease).getSpec().getHolderIdentity()).as("released with the Role's update").isEmpty();
            assertThat(log.about(lease)).extracting(LogCapture.Line::message)
                    .anySatisfy(m -> assertThat(m).contains("pod-late reaches Lease " + E2E.namespace() + "/" + lease
                                                            + " again"));
        }
    }

    // ---- accounts ------------------------------------------------------------------------------------------------

    /**
     * Two pods with the account on the Lease: one leads; the other learns it from the watch (the account may list and
     * watch), and takes over as soon as the leader stops gracefully.
     */
    private void electAndHandOver(Config account, String lease) {
        List<CamelPod> pods = List.of(
                e2e.pod("pod-a", lease, e2e.client("pod-a", account)).start(),
                e2e.pod("pod-b", lease, e2e.client("pod-b", account)).start());

        CamelPod leader = Pods.awaitSingleLeader(pods);
        CamelPod follower = pods.get(0) == leader ? pods.get(1) : pods.get(0);
        await().atMost(Pods.PATIENCE).until(() -> follower.firstEvent(NEW_LEADER).isPresent());
        assertThat(e2e.requests(follower.name()).of(RequestLog.Kind.WATCH)).as("the follower watches").isNotEmpty();
        leader.stop();
        await().atMost(CamelPod.LEASE_DURATION).until(follower::isLeader);
        assertThat(e2e.get(lease).getSpec().getHolderIdentity()).isEqualTo(follower.name());
    }

    /** Creates the ServiceAccount, Role and RoleBinding of examples/kubernetes/rbac.yaml, as they are written. */
    private void applyDocumentedManifest() {
        assertThat(apply(MANIFEST)).extracting(HasMetadata::getKind)
                .containsExactly("ServiceAccount", "Role", "RoleBinding");
    }

    /**
     * Creates the Lease, ServiceAccount, Role and RoleBinding of examples/kubernetes/rbac-resourcenames.yaml, as they
     * are written; returns the name of the Lease, which is the one the Role lets the account read and write.
     */
    private String applyNarrowManifest() {
        List<HasMetadata> objects = apply(NARROW_MANIFEST);
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactly("Lease", "ServiceAccount", "Role", "RoleBinding");
        return objects.get(0).getMetadata().getName();
    }

    private List<HasMetadata> apply(Path manifest) {
        List<HasMetadata> objects;
        try (InputStream in = Files.newInputStream(manifest)) {
            objects = e2e.admin().load(in).items();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the documented RBAC manifest " + manifest.toAbsolutePath(), e);
        }
        for (HasMetadata object : objects) {
            create(object);
        }
        return objects;
    }

    private void createServiceAccount(String name) {
        create(new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build());
    }

    private void createRole(String name, String... verbs) {
        create(new RoleBuilder().withNewMetadata().withName(name).endMetadata()
                .addNewRule().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs(verbs).endRule()
                .build());
    }

    /** Binds a Role to a ServiceAccount of the namespace, naming the subject's namespace as the manifest does not. */
    private void bind(String binding, String role, String serviceAccount) {
        create(new RoleBindingBuilder().withNewMetadata().withName(binding).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(role).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(serviceAccount).withNamespace(E2E.namespace())
                .endSubject()
                .build());
    }

    /** Creates an object in the test namespace (reusing one left by an interrupted run) and deletes it after. */
    private void create(HasMetadata object) {
        var resource = e2e.admin().resource(object).inNamespace(E2E.namespace());
        try {
            resource.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            resource.delete();
            await().atMost(Pods.PATIENCE).until(() -> resource.get() == null);
            resource.create();
        }
        e2e.closeAfterTest(resource::delete);
    }

    /** A token for the ServiceAccount from the API server's TokenRequest API, as the kubelet gets one for a pod. */
    private String tokenOf(String serviceAccount) {
        return e2e.admin().serviceAccounts().inNamespace(E2E.namespace()).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** The cluster of KUBECONFIG, authenticated by the token alone (no client certificate, no exec plugin). */
    private static Config tokenConfig(String token) {
        Config admin = Cluster.config();
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(admin.getMasterUrl())
                .withCaCertData(admin.getCaCertData())
                .withCaCertFile(admin.getCaCertFile())
                .withTrustCerts(admin.isTrustCerts())
                .withDisableHostnameVerification(admin.isDisableHostnameVerification())
                .withOauthToken(token)
                .withNamespace(E2E.namespace())
                .build();
    }

    /**
     * An account with no permission in the namespace: the unprivileged kubeconfig the provisioning script writes
     * (E2E_RESTRICTED_KUBECONFIG), else a ServiceAccount that no RoleBinding names.
     */
    private Config restrictedConfig() {
        String kubeconfig = Cluster.setting("e2e.restrictedKubeconfig", "E2E_RESTRICTED_KUBECONFIG", null);
        if (kubeconfig != null) {
            LOG.info("refused account: the user of {}", kubeconfig);
            return new ConfigBuilder(Config.fromKubeconfig(new File(kubeconfig))).withNamespace(E2E.namespace())
                    .build();
        }
        String account = "camel-k8s-leader-unbound-" + E2E.randomSuffix(5);
        LOG.info("refused account: ServiceAccount {} (no E2E_RESTRICTED_KUBECONFIG)", account);
        createServiceAccount(account);
        return tokenConfig(tokenOf(account));
    }

    /**
     * Starts a pod with the account on the Lease, retrying every {@link #RETRY_PERIOD}, and waits until the log
     * reports its first refusal (HTTP 403).
     */
    private CamelPod startRefused(String name, String lease, Config account, LogCapture log) {
        CamelPod pod = e2e.pod(name, lease, e2e.client(name, account)).configure(o -> o.setRetryPeriod(RETRY_PERIOD))
                .start();
        await().atMost(Pods.PATIENCE).until(() -> !refusals(log.warningsAbout(lease)).isEmpty());
        return pod;
    }

    /** The warnings that report the refusal itself, not the start-up warnings about the client or the timings. */
    private static List<LogCapture.Line> refusals(List<LogCapture.Line> lines) {
        return lines.stream().filter(line -> line.message().contains("HTTP 403")).toList();
    }
}
