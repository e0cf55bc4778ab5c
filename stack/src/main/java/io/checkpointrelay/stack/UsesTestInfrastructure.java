package io.checkpointrelay.stack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs on the Kafka and PostgreSQL {@link TestInfrastructure} selects:
 * where that infrastructure cannot run (containers without Docker) the whole class is skipped
 * with the reason before its {@code @BeforeAll}, so its tests count as skipped. (An abort in
 * {@code @BeforeAll} would skip them too, but Maven's report would count no test at all.)
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestInfrastructureCondition.class)
public @interface UsesTestInfrastructure {
}
