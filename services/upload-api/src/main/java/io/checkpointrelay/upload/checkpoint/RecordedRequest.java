package io.checkpointrelay.upload.checkpoint;

/**
 * A checkpoint request as the store took it.
 *
 * @param effective the greatest id ever accepted for (user, client), the posted one included
 * @param repost    the effective id was stored already: the client posted it again (it re-posts
 *                  an unacknowledged request), or posted a stale id behind it
 */
public record RecordedRequest(long effective, boolean repost) {
}
