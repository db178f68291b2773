package io.github.camelk8s.leader.example.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application as a pod runs it: {@code java -jar camel-k8s-leader-example-spring-boot.jar}. */
@SpringBootApplication
public class Application {

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
