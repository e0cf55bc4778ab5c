package io.checkpointrelay.bridge.replication;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The initial copy only ever reads in the snapshot the new slot exported. */
class InitialSnapshotTest {

    @Test
    void aSlotWithoutAnExportedSnapshotIsRefusedInsteadOfCopiedOutsideIt() {
        assertThatThrownBy(() -> InitialSnapshot.requireSnapshot(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exported no snapshot");
        assertThatThrownBy(() -> InitialSnapshot.requireSnapshot(" ")).isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> InitialSnapshot.requireSnapshot("00000003-00000002-1")).doesNotThrowAnyException();
    }
}
