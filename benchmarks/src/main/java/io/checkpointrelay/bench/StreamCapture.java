package io.checkpointrelay.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bridge's answer to a fresh client's {@code POST /sync/stream}, up to its first
 * {@code checkpoint_complete}, byte for byte: what the replay server sends the stock client
 * to measure the client's own ceiling. Asks like a stock client (BSON preferred), so it records
 * whichever format the bridge chose.
 */
record StreamCapture(byte[] body, boolean bson) {

    static final String NDJSON = "application/x-ndjson";
    static final String BSON = "application/vnd.powersync.bson-stream";
    private static final String ACCEPT = BSON + ";q=0.9," + NDJSON + ";q=0.8";
    private static final byte[] COMPLETE = "checkpoint_complete".getBytes(StandardCharsets.US_ASCII);

    /** The request body of a stock client that holds nothing yet. */
    static String freshRequest(String clientId) {
        return "{\"buckets\":[],\"include_checksum\":true,\"raw_data\":true,\"binary_data\":true,\"client_id\":\"" + clientId
                + "\",\"parameters\":{},\"streams\":{\"include_defaults\":true,\"subscriptions\":[]}}";
    }

    static StreamCapture record(URI bridge, String token, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(bridge.resolve("/sync/stream"))
                .timeout(timeout)
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .header("Accept", ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(freshRequest("capture")))
                .build();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("POST /sync/stream answered " + response.statusCode() + ": "
                            + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                boolean bson = type.startsWith(BSON);
                return new StreamCapture(bson ? bsonUntilComplete(in) : ndjsonUntilComplete(in), bson);
            } finally {
                http.shutdownNow();
            }
        }
    }

    private static byte[] ndjsonUntilComplete(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
        ByteArrayOutputStream line = new ByteArrayOutputStream(1 << 16);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                byte[] text = line.toByteArray();
                line.reset();
                body.writeBytes(text);
                if (startsWithKey(text, 2)) { // {"checkpoint_complete":...
                    return body.toByteArray();
                }
            }
        }
        throw new IOException("the stream ended before checkpoint_complete");
    }

    private static byte[] bsonUntilComplete(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
        while (true) {
            byte[] length = in.readNBytes(4);
            if (length.length < 4) {
                throw new IOException("the stream ended before checkpoint_complete");
            }
            int size = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt();
            byte[] rest = in.readNBytes(size - 4);
            body.writeBytes(length);
            body.writeBytes(rest);
            // A document: length, then its first element: type byte, then the key.
            if (startsWithKey(rest, 1)) {
                return body.toByteArray();
            }
        }
    }

    private static boolean startsWithKey(byte[] text, int offset) {
        if (text.length < offset + COMPLETE.length) {
            return false;
        }
        for (int i = 0; i < COMPLETE.length; i++) {
            if (text[offset + i] != COMPLETE[i]) {
                return false;
            }
        }
        return true;
    }
}
