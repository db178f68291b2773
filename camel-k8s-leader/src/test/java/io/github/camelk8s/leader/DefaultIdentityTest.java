package io.github.camelk8s.leader;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The default identity: the pod's name and a suffix that no other CamelContext of the JVM has. */
class DefaultIdentityTest {

    @Test
    void twoSuffixesDrawnInOneJvmDifferEvenWhenTheRandomSourceRepeatsItself() {
        // its first two suffixes' worth of draws are all the same; after that it varies
        AtomicInteger draws = new AtomicInteger();
        IntUnaryOperator repeating = bound -> {
            int n = draws.getAndIncrement();
            return n < 10 ? 3 : n % bound;
        };

        String first = K8sLeaderComponent.uniqueSuffix(repeating);
        draws.set(0);
        String second = K8sLeaderComponent.uniqueSuffix(repeating);

        assertThat(second).isNotEqualTo(first).hasSize(5);
    }

    @Test
    void eachComponentsDefaultIdentityIsThePodNameAndItsOwnSuffix() {
        K8sLeaderComponent one = new K8sLeaderComponent();
        K8sLeaderComponent other = new K8sLeaderComponent();

        assertThat(one.defaultIdentity()).isNotEqualTo(other.defaultIdentity())
                .matches(".+-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(one.defaultIdentity()).isEqualTo(one.defaultIdentity());
    }
}
