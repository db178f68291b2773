/**
 * Camel Spring Boot auto-configuration for camel-k8s-leader: {@code camel.component.k8s-leader.*} applied to the
 * component through Camel's component customizer, and a {@code K8sLeaderClusterService} bean from
 * {@code camel.cluster.k8s-leader.*}. Everything here runs on the thread that starts the Spring application
 * context; the elections themselves run on the component's threads.
 */
package io.github.camelk8s.leader.springboot;
