package io.checkpointrelay.protocol.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class QueuedBatchSerdeTest {

    @Test
    void roundTripsABatchWithItsCheckpointRequest() {
        ObjectNode data = new ObjectMapper().createObjectNode().put("name", "groceries").put("count", 3);
        QueuedBatch batch = new QueuedBatch(QueuedBatch.VERSION, "b-1", "alice", "device-1",
                List.of(new CrudEntry(CrudOp.PUT, "lists", "l1", data, 5L, 2L)), 17L, Instant.parse("2026-11-23T10:15:30.123Z"));

        QueuedBatch back = QueuedBatchSerde.fromBytes(QueuedBatchSerde.toBytes(batch));

        assertThat(back).isEqualTo(batch);
        assertThat(new String(QueuedBatchSerde.toBytes(batch), StandardCharsets.UTF_8))
                .contains("\"received_at\":\"2026-11-23T10:15:30.123Z\"").contains("\"op_id\":5");
    }

    @Test
    void refusesBytesThatAreNotABatchOfThisVersion() {
        assertThatThrownBy(() -> QueuedBatchSerde.fromBytes("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> QueuedBatchSerde.fromBytes("{\"version\":99}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 99");
    }

    @Test
    void keysAreUnambiguousForAnyIds() {
        ClientKey tricky = new ClientKey("a\",\"b", "c/d");
        assertThat(ClientKey.fromKafkaKey(tricky.toKafkaKey())).isEqualTo(tricky);
        assertThat(new ClientKey("alice", "dev").toKafkaKey()).isEqualTo("[\"alice\",\"dev\"]");
    }
}
