package dev.bitnet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ComparisonTableTest {
    @Test
    void oneRowPerBackendSkippedOnesAsOneLineThenTheAgreement() {
        String table = ComparisonTable.render(SampleReports.mixed());
        List<String> lines = table.lines().toList();
        assertTrue(lines.getFirst().startsWith("model tiny <1>.gguf (25.0 MiB), 2 threads, pp8 / tg4, 3 repetitions; "
                + "machine read bandwidth 20.0 GB/s"), lines.getFirst());
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("backend")).findFirst().orElseThrow());
        String headerLine = lines.get(header);
        for (String col : ComparisonTable.HEADER) assertTrue(headerLine.contains(col), col);
        String cpu = lines.get(header + 1), gpu = lines.get(header + 2), skipped = lines.get(header + 3);
        assertTrue(cpu.startsWith("cpu "), cpu);
        assertTrue(cpu.contains("40.00 \u00b110%") && cpu.contains("20.00 \u00b15%") && cpu.contains("300.0 MiB"), cpu);
        assertTrue(cpu.contains(" \u2014 "), "a host backend has no device memory: " + cpu);
        assertTrue(gpu.contains("900.0 MiB") && gpu.contains("500.0 MiB"), gpu);
        assertEquals(headerLine.length(), gpu.length(), "columns aligned to the header's right edge");
        assertTrue(skipped.matches("opencl +skipped: no OpenCL platform <found> & \"none\""), skipped);
        assertTrue(lines.get(header + 4).startsWith("<script>alert(\"x&y\")</script>'?]]>  "),
                "names as they are, but control characters (terminal escapes) as '?': " + lines.get(header + 4));
        assertFalse(table.contains("\u0001"));

        assertTrue(table.contains("  cpu: cpu (test device)"));
        assertTrue(table.contains("greedy outputs compared with cpu (they DIFFER):"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches(" +gpu +DIFFER at decode step 3 of 4 \\(the first 2 agree\\); "
                + "first-step logits within 2\\.5e-01 relative")), table);
        assertTrue(table.lines().anyMatch(l -> l.contains("agree (4 greedy ids); first-step logits within 0.0e+00 relative")), table);
    }

    @Test
    void aProfiledBackendGetsItsOperationsSlowestFirstWithShareAndBandwidth() {
        String table = ComparisonTable.render(SampleReports.report(List.of(SampleReports.profiled())));
        List<String> lines = table.lines().toList();
        int title = lines.indexOf("  cpu: 2.00 ms a step over 4 steps");
        assertTrue(title > 0, table);
        assertTrue(lines.get(title + 1).matches(" +operation +calls/step +ms/step +share +weights GB/s"), lines.get(title + 1));
        assertTrue(lines.get(title + 2).matches(" +lmHead +1 +1\\.500 +75\\.0% +1000\\.0"), lines.get(title + 2));
        assertTrue(lines.get(title + 3).matches(" +rmsNorm +2 +0\\.500 +25\\.0% +\u2014"), lines.get(title + 3));
        assertFalse(ComparisonTable.render(SampleReports.mixed()).contains("by operation"), "no profile, no section");
    }

    @Test
    void onlySkippedBackendsStillMakeATable() {
        String table = ComparisonTable.render(SampleReports.report(List.of(SkippedBackend.unavailable("cuda", "no CUDA driver"))));
        assertTrue(table.lines().anyMatch(l -> l.matches("cuda +skipped: no CUDA driver")), table);
        assertFalse(table.contains("greedy outputs"));
    }

    @Test
    void aReasonOnSeveralLinesIsOneLine() {
        assertEquals("skipped: first second", SkippedBackend.unavailable("x", " first\n  second \n").label());
    }
}
