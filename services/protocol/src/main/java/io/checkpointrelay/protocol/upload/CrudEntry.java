package io.checkpointrelay.protocol.upload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of a client's upload batch, in the shape stock SDKs produce from
 * {@code getCrudBatch()} ({@code CrudEntry.toJSON()}). Fields this service does not use
 * ({@code old}, {@code metadata}) are ignored.
 *
 * @param opId the client's local sequence number of the entry; with {@code clientId} it
 *             identifies the entry across retries of the same batch
 * @param txId the client's local transaction id, when the entry was written in a transaction
 * @param data column values; for DELETE usually absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CrudEntry(
        @JsonProperty("op") CrudOp op,
        @JsonProperty("type") String type,
        @JsonProperty("id") String id,
        @JsonProperty("data") ObjectNode data,
        @JsonProperty("op_id") Long opId,
        @JsonProperty("tx_id") Long txId) {
}
