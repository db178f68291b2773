package io.github.camelk8s.leader.springboot;

import io.github.camelk8s.leader.K8sLeaderComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Applies {@code camel.component.k8s-leader.*} to the {@code k8s-leader} component when Camel creates it, through
 * Camel's {@link ComponentCustomizer}, as Camel's own component starters do. Off with
 * {@code camel.component.k8s-leader.enabled=false} (or {@code camel.component.enabled=false}); the customizer alone
 * with {@code camel.component.k8s-leader.customizer.enabled=false}.
 * <p>
 * The options are the defaults of every endpoint, policy and cluster view, and are checked where they are used, over
 * those overlays, as in Camel Main: a bad value (a negative duration, renewDeadline not below leaseDuration) fails
 * the start of the route that uses it, and with it the application's start, naming the option and the value as
 * written.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, K8sLeaderComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", K8sLeaderComponentConfiguration.PREFIX })
@AutoConfigureAfter(CamelAutoConfiguration.class)
public class K8sLeaderComponentAutoConfiguration {

    @Lazy
    @Bean
    public ComponentCustomizer configureK8sLeaderComponent(ApplicationContext applicationContext,
                                                           K8sLeaderComponentConfiguration configuration) {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                K8sLeaderComponent component = (K8sLeaderComponent) target;
                configuration.applyTo(component.getConfiguration());
                if (configuration.getBridgeErrorHandler() != null) {
                    component.setBridgeErrorHandler(configuration.getBridgeErrorHandler());
                }
                if (configuration.getLazyStartProducer() != null) {
                    component.setLazyStartProducer(configuration.getLazyStartProducer());
                }
                if (configuration.getAutowiredEnabled() != null) {
                    component.setAutowiredEnabled(configuration.getAutowiredEnabled());
                }
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        K8sLeaderComponentConfiguration.PREFIX + ".customizer")
                       && target instanceof K8sLeaderComponent;
            }
        };
    }
}
