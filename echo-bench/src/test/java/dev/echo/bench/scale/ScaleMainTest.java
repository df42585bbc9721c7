package dev.echo.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScaleMainTest {

    @ParameterizedTest
    @ValueSource(strings = {"--connections=40000 --processes=2", "--processes=0", "--server=tomcat", "--duration=x", "oops"})
    void aBadArgumentIsOneLineAndExitCode2(String arguments) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScaleMain.run(arguments.split(" "), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, "expected exit 2 for " + arguments);
        assertEquals(1, text.strip().lines().count(), "expected one line on stderr for " + arguments + ": " + text);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void procReadingsOfThisProcessArePlausible() throws Exception {
        long pid = ProcessHandle.current().pid();
        long rss = ProcStatus.rssKib(pid);
        assertTrue(rss > 1024, "expected this JVM's RSS above 1 MiB, got " + rss + " KiB");
        assertTrue(ProcStatus.openFiles(pid) >= 3, "expected at least stdin, stdout and stderr open");
    }
}
