package io.checkpointrelay.protocol.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class CheckpointRequestIdTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void acceptsDecimalStringsAndIntegersUpToMaxLong() throws Exception {
        assertThat(CheckpointRequestId.parse(JSON.readTree("\"1\""))).isEqualTo(1L);
        assertThat(CheckpointRequestId.parse(JSON.readTree("42"))).isEqualTo(42L);
        assertThat(CheckpointRequestId.parse(JSON.readTree("\"9223372036854775807\""))).isEqualTo(Long.MAX_VALUE);
        assertThat(CheckpointRequestId.format(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-1", "\"0\"", "\"-5\"", "9223372036854775808", "\"9223372036854775808\"",
            "1.5", "\"1e3\"", "\"abc\"", "\"\"", "true", "null", "{}" })
    void rejectsEverythingElseWithAMessage(String json) throws Exception {
        assertThatThrownBy(() -> CheckpointRequestId.parse(JSON.readTree(json)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint_request_id");
    }
}
