package io.sluice.pipeline.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void write_replacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("state.json");
        AtomicFiles.write(target, "old".getBytes());
        AtomicFiles.write(target, "new".getBytes());
        assertThat(target).hasContent("new");
        assertThat(dir.resolve("state.json" + AtomicFiles.TEMP_SUFFIX)).doesNotExist();
    }

    /** Issue 3: a failed write (a full disk, here a rename that cannot happen) kept its partial temporary file. */
    @Test
    void aFailedWrite_removesItsTemporaryFileAndKeepsTheTarget() throws Exception {
        Path target = dir.resolve("occupied");
        Files.createDirectories(target.resolve("child"));
        assertThatThrownBy(() -> AtomicFiles.write(target, "new".getBytes())).isInstanceOf(IOException.class);
        assertThat(dir.resolve("occupied" + AtomicFiles.TEMP_SUFFIX)).doesNotExist();
        assertThat(target.resolve("child")).isDirectory();
    }
}
