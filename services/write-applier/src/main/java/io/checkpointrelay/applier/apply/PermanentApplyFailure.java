package io.checkpointrelay.applier.apply;

/**
 * A batch that can never be applied as it is, whatever the retries: an entry outside the
 * application schema, or a record that is not a well-formed batch.
 */
public class PermanentApplyFailure extends RuntimeException {

    public PermanentApplyFailure(String message) {
        super(message);
    }
}
