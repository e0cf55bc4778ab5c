package io.checkpointrelay.stack;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Skips a test class, with the reason, when the {@link TestInfrastructure selected
 * infrastructure} cannot run here (containers without Docker). It applies to classes marked
 * {@link UsesTestInfrastructure}, which registers it, and to {@code @QuarkusTest} classes: their
 * Kafka and PostgreSQL come from Quarkus test resources, which cannot skip by themselves (Quarkus
 * reports whatever a resource's start throws as an error). For those JUnit registers it by
 * extension autodetection, which only the Maven profile {@code testcontainers} turns on, so the
 * embedded default runs exactly as without it.
 */
public final class TestInfrastructureCondition implements ExecutionCondition {

    /**
     * By name: the stack does not depend on Quarkus, and a Quarkus test class and its annotations
     * come from Quarkus' class loader.
     */
    private static final Set<String> MARKERS = Set.of("io.quarkus.test.junit.QuarkusTest", UsesTestInfrastructure.class.getName());

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestClass().filter(TestInfrastructureCondition::usesInfrastructure).isEmpty()) {
            return ConditionEvaluationResult.enabled("uses no test infrastructure");
        }
        try {
            return ConditionEvaluationResult.enabled(TestInfrastructure.PROPERTY + "=" + TestInfrastructure.selected().name());
        } catch (TestAbortedException e) {
            return ConditionEvaluationResult.disabled(e.getMessage());
        }
    }

    private static boolean usesInfrastructure(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (Arrays.stream(c.getAnnotations()).map(Annotation::annotationType).anyMatch(TestInfrastructureCondition::isMarker)) {
                return true;
            }
        }
        return false;
    }

    /** A marker itself or an annotation meta-annotated with one (a test's own composed annotation). */
    private static boolean isMarker(Class<? extends Annotation> type) {
        return MARKERS.contains(type.getName())
                || Arrays.stream(type.getAnnotations()).anyMatch(meta -> MARKERS.contains(meta.annotationType().getName()));
    }
}
