package io.github.camelk8s.leader.election;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of a safe configuration is checked when it is built, and a violation names the option and value. */
class LeaderElectionConfigTest {

    private static LeaderElectionConfig.Builder valid() {
        return LeaderElectionConfig.builder().namespace("test").leaseName("orders").identity("pod-a")
                .leaseDuration(Duration.ofSeconds(15)).renewDeadline(Duration.ofSeconds(10))
                .retryPeriod(Duration.ofSeconds(2)).renewalInterval(Duration.ofSeconds(2));
    }

    @Test
    void aValidConfigurationBuilds() {
        LeaderElectionConfig config = valid().leaseName("nightly-import.v1").build();

        assertThat(config.leaseName()).isEqualTo("nightly-import.v1");
        assertThat(config.leaseDurationSeconds()).isEqualTo(15);
        assertThat(config.releaseOnStop()).isTrue();
    }

    @Test
    void theDefaultsAreSafe() {
        LeaderElectionConfig config = LeaderElectionConfig.builder().leaseName("orders").identity("pod-a").build();

        assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.renewalInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void leaseDurationSecondsIsRoundedUpSoFollowersNeverWaitLessThanConfigured() {
        LeaderElectionConfig config = valid().leaseDuration(Duration.ofMillis(2500))
                .renewDeadline(Duration.ofMillis(2000)).retryPeriod(Duration.ofMillis(500))
                .renewalInterval(Duration.ofMillis(500)).build();

        assertThat(config.leaseDurationSeconds()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "Bad_Name", "-x", "x-", "UPPER", "a..b", "with space" })
    void aLeaseNameMustBeADns1123Subdomain(String leaseName) {
        assertThatThrownBy(() -> valid().leaseName(leaseName).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseName=" + leaseName)
                .hasMessageContaining("DNS-1123");
    }

    @Test
    void aLeaseNameMustNotBeEmpty() {
        assertThatThrownBy(() -> valid().leaseName("").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseName=")
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> valid().leaseName(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseName");
    }

    @Test
    void aLeaseNameMayNotExceed253Characters() {
        String tooLong = "a".repeat(254);
        assertThatThrownBy(() -> valid().leaseName(tooLong).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseName=" + tooLong);
    }

    @Test
    void renewDeadlineMustBeLessThanLeaseDuration() {
        assertThatThrownBy(() -> valid().leaseDuration(Duration.ofSeconds(10)).renewDeadline(Duration.ofSeconds(10))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renewDeadline=10000ms")
                .hasMessageContaining("leaseDuration (10000ms)");
        assertThatThrownBy(() -> valid().leaseDuration(Duration.ofSeconds(10)).renewDeadline(Duration.ofSeconds(12))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renewDeadline=12000ms");
    }

    @Test
    void retryPeriodMustBeLessThanRenewDeadline() {
        assertThatThrownBy(() -> valid().retryPeriod(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryPeriod=10000ms")
                .hasMessageContaining("renewDeadline (10000ms)");
    }

    @Test
    void renewalIntervalMustBeLessThanRenewDeadline() {
        assertThatThrownBy(() -> valid().renewalInterval(Duration.ofSeconds(11)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renewalInterval=11000ms")
                .hasMessageContaining("renewDeadline (10000ms)");
    }

    @Test
    void aDefaultTheUserDidNotWriteIsNamedAsTheDefault() {
        assertThatThrownBy(() -> LeaderElectionConfig.builder().namespace("test").leaseName("orders")
                .identity("pod-a").leaseDuration("7s").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid k8s-leader option renewDeadline=10000ms (the default): must be less than "
                            + "leaseDuration (7s)");
    }

    @Test
    void durationsMustBePositive() {
        assertThatThrownBy(() -> valid().leaseDuration(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration=-1000ms");
        assertThatThrownBy(() -> valid().leaseDuration(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration=0ms");
        assertThatThrownBy(() -> valid().renewDeadline(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("renewDeadline=0ms");
        assertThatThrownBy(() -> valid().renewDeadline(Duration.ofMillis(-5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("renewDeadline=-5ms");
        assertThatThrownBy(() -> valid().retryPeriod(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryPeriod=0ms");
        assertThatThrownBy(() -> valid().retryPeriod(Duration.ofMillis(-200)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryPeriod=-200ms");
        assertThatThrownBy(() -> valid().renewalInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("renewalInterval=0ms");
        assertThatThrownBy(() -> valid().renewalInterval(Duration.ofSeconds(-2)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("renewalInterval=-2000ms");
    }

    @Test
    void leaseDurationMustBeAtLeastOneSecondBecauseTheLeaseRecordsWholeSeconds() {
        assertThatThrownBy(() -> valid().leaseDuration(Duration.ofMillis(900)).renewDeadline(Duration.ofMillis(600))
                .retryPeriod(Duration.ofMillis(100)).renewalInterval(Duration.ofMillis(100)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseDuration=900ms");
    }

    @Test
    void theNamespaceAndIdentityAreChecked() {
        assertThatThrownBy(() -> valid().namespace("Bad_Namespace").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace=Bad_Namespace");
        assertThatThrownBy(() -> valid().identity(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity=");
        assertThatThrownBy(() -> valid().identity(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity");
    }
}
