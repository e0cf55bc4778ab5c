package io.checkpointrelay.upload.batch;

import java.util.List;

/**
 * The batch writes rows that exist and belong to another user (403). The message names each
 * such entry by position, table and id, never the other owner.
 */
public class RowOwnedByAnotherUserException extends RuntimeException {

    public RowOwnedByAnotherUserException(List<String> problems) {
        super(UploadRequestReader.summary(problems), null, false, false);
    }
}
