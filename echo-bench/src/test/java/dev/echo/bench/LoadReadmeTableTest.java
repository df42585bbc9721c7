package dev.echo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.cli.ReadmeTables;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's echo-load tables are the ones the option definitions make. */
class LoadReadmeTableTest {
    @Test
    void theReadmeTableIsTheOneTheDefinitionsMake() throws Exception {
        assertEquals(LoadMain.SPEC.markdownTable(), ReadmeTables.table(Path.of("../README.md"), "echo-load"),
                "README.md's echo-load table differs from the options; paste the expected one");
    }

    @Test
    void theReadmeMergeTableIsTheOneItsDefinitionsMake() throws Exception {
        assertEquals(MergeMain.SPEC.markdownTable(), ReadmeTables.table(Path.of("../README.md"), "echo-load merge"),
                "README.md's echo-load merge table differs from the options; paste the expected one");
    }
}
