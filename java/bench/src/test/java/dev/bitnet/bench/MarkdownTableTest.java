package dev.bitnet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bench -o md}: one Markdown table, a row per run and backend, cells that cannot break the table. */
class MarkdownTableTest {
    @Test
    void oneRowPerRunAndBackendUnderAHeaderAndARule() {
        BenchReport one = SampleReports.mixed();
        List<String> lines = MarkdownTable.render(List.of(one, one)).lines().toList();
        assertEquals("model /models/tiny <1>.gguf (25.0 MiB), 2026-11-24T12:00Z, 3 repetitions; read bandwidth 2 threads: 20.0 GB/s",
                lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("| backend | threads | test | prefill tok/s | decode tok/s | host peak RSS | MB/token | GB/s | of bw |", lines.get(2));
        assertEquals("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |", lines.get(3));
        assertEquals(4 + 2 * one.outcomes().size(), lines.size(), "two runs of four backends, the skipped one included");
        assertEquals("| cpu | 2 | pp8 / tg4 | 40.00 ±10% | 20.00 ±5% | 300.0 MiB | 33 | 0.7 | 3% |", lines.get(4));
        assertEquals("| opencl | 2 | pp8 / tg4 | skipped: no OpenCL platform <found> & \"none\" |  |  |  |  |  |", lines.get(6));
        for (String line : lines.subList(2, lines.size())) {
            assertEquals(10, line.replace("\\|", "").chars().filter(c -> c == '|').count(), "nine cells: " + line);
        }
        assertFalse(String.join("\n", lines).contains("\u0001"), "no control characters");
    }

    @Test
    void aPipeInANameIsEscaped() {
        BenchReport r = SampleReports.report(List.of(SampleReports.result("a|b", 1, 1, 1, 0, new int[]{1}, new float[]{1})));
        String row = MarkdownTable.render(List.of(r)).lines().toList().get(4);
        assertTrue(row.startsWith("| a\\|b | 2 | "), row);
    }
}
