package dev.echo.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code jcmd PID GC.heap_info} as JDK 25 prints it for each collector (captured on this machine). */
class ProcStatusTest {

    @Test
    void g1PrintsTheWholeHeapOnOneLine() throws IOException {
        assertEquals(11_324, ProcStatus.heapUsedKib("""
                2661:
                garbage-first heap   total reserved 6172672K, committed 393216K, used 11324K [0x0000000687400000, 0x0000000800000000)
                 region size 4096K, 3 young (12288K), 0 survivors (0K)
                 Metaspace       used 7009K, committed 7232K, reserved 1114112K
                """));
    }

    @Test
    void parallelAndSerialPrintOneLinePerGeneration() throws IOException {
        assertEquals(23_347 + 1_166, ProcStatus.heapUsedKib("""
                2708:
                PSYoungGen      total 113152K, used 23347K [0x0000000782700000, 0x000000078a500000, 0x0000000800000000)
                 eden space 97280K, 24% used [0x0000000782700000,0x0000000783dcce20,0x0000000788600000)
                 from space 15872K, 0% used [0x0000000789580000,0x0000000789580000,0x000000078a500000)
                 to   space 15872K, 0% used [0x0000000788600000,0x0000000788600000,0x0000000789580000)
                ParOldGen       total 258048K, used 1166K [0x0000000687400000, 0x0000000697000000, 0x0000000782700000)
                 object space 258048K, 0% used [0x0000000687400000,0x0000000687523ab8,0x0000000697000000)
                """), "parallel: young plus old");
        assertEquals(22_725 + 1_166, ProcStatus.heapUsedKib("""
                2753:
                DefNew     total 116160K, used 22725K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  22% used [0x0000000687400000, 0x0000000688a31620, 0x000000068d8e0000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                 the  space 258048K,   0% used [0x0000000704d50000, 0x0000000704e73ab8, 0x0000000714950000)
                """), "serial: young plus tenured");
    }

    @Test
    void zgcPrintsMegabytes() throws IOException {
        assertEquals(54 * 1024, ProcStatus.heapUsedKib("""
                2796:
                ZHeap            used 54M, capacity 378M, max capacity 6028M
                 Cache           324M (1)
                  size classes   256M (1)
                """));
    }

    @Test
    void anOutputWithoutAHeapLineIsAnError() {
        IOException e = assertThrows(IOException.class, () -> ProcStatus.heapUsedKib("1234:\nsomething else\n"));
        assertEquals("jcmd GC.heap_info printed no heap in use: 1234:\nsomething else", e.getMessage());
    }
}
