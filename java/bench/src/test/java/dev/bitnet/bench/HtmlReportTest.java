package dev.bitnet.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The HTML page: well-formed, self-contained, escaped, one bar per backend that ran with proportional widths. */
class HtmlReportTest {
    static final String SVG = "http://www.w3.org/2000/svg", XHTML = "http://www.w3.org/1999/xhtml";

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new InputSource(new StringReader(html)));   // throws on anything not well-formed
    }

    @Test
    void thePageIsWellFormedXhtmlWithEverySection() throws Exception {
        String html = HtmlReport.render(SampleReports.mixed());
        assertTrue(html.startsWith("<!DOCTYPE html>\n"));
        Document doc = parse(html);
        assertEquals(XHTML, doc.getDocumentElement().getNamespaceURI());
        String text = doc.getDocumentElement().getTextContent();
        for (String expected : new String[]{"Test CPU & <Co>", "2 cores available (4 hardware threads)", "JDK \"25\"", "Linux", "2026-11-24T12:00:00Z",
                "/models/tiny <1>.gguf (25.0 MiB)", "bitnet bench -m '/models/tiny <1>.gguf'", "prefill tok/s",
                "host peak RSS", "device mem", "900.0 MiB", "skipped: no OpenCL platform <found> & \"none\"",
                "DIFFER at decode step 3 of 4 (the first 2 agree)", "agree (4 greedy ids)", "they differ"}) {
            assertTrue(text.contains(expected), "missing: " + expected);
        }
        NodeList rows = doc.getElementsByTagNameNS(XHTML, "tr");
        int resultRows = 0;
        for (int i = 0; i < rows.getLength(); i++) {
            if (((Element) rows.item(i).getParentNode()).getAttribute("class").equals("results")) resultRows++;
        }
        assertEquals(1 + 4, resultRows, "a header and one row per backend, the skipped one included");
    }

    @Test
    void aProfiledBackendGetsItsTableOfOperations() throws Exception {
        String html = HtmlReport.render(SampleReports.report(List.of(SampleReports.profiled())));
        String text = parse(html).getDocumentElement().getTextContent();
        assertTrue(html.contains("<h2>Decode steps by operation</h2>\n<p class=\"muted\">one more tg4 after the timed runs"), html);
        assertTrue(text.contains("cpu: 2.00 ms a step over 4 steps"), text);
        assertFalse(text.contains("Prefill steps by operation"), "no prefill profile, no prefill section");
        assertTrue(html.contains("<tr><td>lmHead</td><td>1</td><td>1.500</td><td>75.0%</td><td>1000.0</td></tr>"), html);
        assertTrue(html.contains("<tr><td>rmsNorm</td><td>2</td><td>0.500</td><td>25.0%</td><td>\u2014</td></tr>"), html);
        assertFalse(HtmlReport.render(SampleReports.mixed()).contains("by operation"), "no profile, no section");
    }

    @Test
    void aBatchedDecodeIsNamedInTheSettingsTheChartAndTheAgreement() throws Exception {
        BenchReport one = SampleReports.mixed(), four = new BenchReport(one.machine(), one.date(), one.commandLine(), one.model(),
                one.modelBytes(), new BenchConfig(one.config().model(), one.config().backends(), 2, 8, 4, 0, 4, 3, 128,
                dev.bitnet.backend.KvType.F16, dev.bitnet.model.LmHeadType.F16, false), 2, 20e9, one.outcomes());
        String text = parse(HtmlReport.render(four)).getDocumentElement().getTextContent();
        assertTrue(text.contains("prompt 8 tokens, 4 decoded by each of 4 sequences together, "), text);
        assertTrue(text.contains("decode tokens/s (tg4 x 4 sequences)"), text);
        assertTrue(text.contains("Greedy decode of 4 tokens in each of 4 sequences from the same start"), text);
        String single = parse(HtmlReport.render(one)).getDocumentElement().getTextContent();
        assertTrue(single.contains("prompt 8 tokens, 4 decoded, ") && single.contains("decode tokens/s (tg4)"), single);
    }

    @Test
    void aSweepIsOnePageWithASummaryRowPerRunAndBackendAndASectionPerRun() throws Exception {
        BenchReport one = SampleReports.mixed(), deep = new BenchReport(one.machine(), one.date(), one.commandLine(), one.model(),
                one.modelBytes(), new BenchConfig(one.config().model(), one.config().backends(), 1, 8, 4, 256, 1, 3, 128,
                dev.bitnet.backend.KvType.F16, dev.bitnet.model.LmHeadType.F16, false), 1, 10e9, one.outcomes());
        Document doc = parse(HtmlReport.render(List.of(one, deep)));
        List<String> h2 = new ArrayList<>();
        NodeList heads = doc.getElementsByTagNameNS(XHTML, "h2");
        for (int i = 0; i < heads.getLength(); i++) h2.add(heads.item(i).getTextContent());
        assertEquals(List.of("Run", "All runs", one.config().tests() + ", 2 threads", "pp8 / tg4 @ d256, 1 thread"), h2);
        NodeList tables = doc.getElementsByTagNameNS(XHTML, "table");
        Element summary = (Element) tables.item(1);
        int ran = one.results().size();
        assertEquals(1 + 2 * ran, summary.getElementsByTagNameNS(XHTML, "tr").getLength(), "a row per run and backend that ran");
        assertEquals(2, doc.getElementsByTagNameNS(XHTML, "h3").getLength() / 3, "Results, agreement, charts per run");
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("prompt 8 tokens, 4 decoded, after 256 tokens of context, 1 thread, KV cache f16, LM head f16; measured read bandwidth 10.0 GB/s"), text);
        assertTrue(text.contains("3 repetitions, KV cache f16, LM head f16, prefill chunk 128; each run's own below"), text);
        assertEquals(HtmlReport.render(one), HtmlReport.render(List.of(one)), "one run: the page of a single run");
    }

    @Test
    void thePageNeedsNothingFromOutside() {
        String html = HtmlReport.render(SampleReports.mixed()).toLowerCase();
        for (String forbidden : new String[]{"<script", "src=", "href=", "@import", "url(", "<link", "@font-face"}) {
            assertFalse(html.contains(forbidden), forbidden);
        }
        String withoutNamespaces = html.replace("http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutNamespaces.contains("http:") || withoutNamespaces.contains("https:"));
    }

    @Test
    void hostileNamesAreEscapedEverywhere() throws Exception {
        String html = HtmlReport.render(SampleReports.mixed());
        assertFalse(html.contains("<script>"), "raw markup from a backend name");
        assertFalse(html.contains("\u0001"), "a control character XML does not allow");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;\uFFFD]]&gt;"));
        Document doc = parse(html);
        assertEquals(0, doc.getElementsByTagNameNS("*", "script").getLength());
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("<script>alert(\"x&y\")</script>'\uFFFD]]>"), "the name reads as it was, as text");
    }

    @Test
    void oneBarPerBackendThatRanWithWidthsProportionalToTheValues() throws Exception {
        BenchReport report = SampleReports.mixed();
        Document doc = parse(HtmlReport.render(report));
        NodeList svgs = doc.getElementsByTagNameNS(SVG, "svg");
        assertEquals(4, svgs.getLength(), "prefill, decode, host memory, device memory");
        double[][] expected = {
                {40, 400, 100},                                       // prefill medians: cpu, gpu, hostile
                {20, 60, 10},                                         // decode
                {300, 500, 200},                                      // host peak RSS, MiB
                {900}};                                               // device memory: only gpu has some
        for (int c = 0; c < svgs.getLength(); c++) {
            List<Element> bars = bars((Element) svgs.item(c));
            assertEquals(expected[c].length, bars.size(), "chart " + c);
            for (int i = 0; i < bars.size(); i++) {
                assertEquals(expected[c][i], Double.parseDouble(bars.get(i).getAttribute("data-value")), 1e-9);
                double ratio = width(bars.get(i)) / width(bars.getFirst());
                assertEquals(expected[c][i] / expected[c][0], ratio, 1e-3, "chart " + c + " bar " + i);
            }
        }
        // the largest bar spans the plot, unless a range end (the tok/s charts' max) is larger
        assertEquals(SvgBarChart.PLOT_WIDTH / 1.1, width(bars((Element) svgs.item(0)).get(1)), 0.01);
        assertEquals(SvgBarChart.PLOT_WIDTH, width(bars((Element) svgs.item(2)).get(1)), 0.01);
    }

    @Test
    void noDeviceMemoryChartWhenEveryBackendIsOnTheHost() throws Exception {
        BenchReport report = SampleReports.report(List.of(
                SampleReports.result("cpu", 1, 2, 3L << 20, 0, new int[]{1}, new float[]{1}),
                SampleReports.result("reference", 1, 2, 3L << 20, 0, new int[]{1}, new float[]{1})));
        String html = HtmlReport.render(report);
        assertEquals(3, parse(html).getElementsByTagNameNS(SVG, "svg").getLength());
        assertFalse(html.contains("device memory (MiB)"));
        assertTrue(html.contains("all agree"));
    }

    @Test
    void writesTheFileAtomicallyAndReplacesAnOldOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "old");
        HtmlReport.write(SampleReports.mixed(), file);
        assertEquals(HtmlReport.render(SampleReports.mixed()), Files.readString(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left behind");
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                    "the permissions of any new file, not a temp file's owner-only ones");
        }
        assertThrows(IOException.class, () -> HtmlReport.write(SampleReports.mixed(), dir.resolve("missing/report.html")));
    }

    private static List<Element> bars(Element svg) {
        List<Element> list = new ArrayList<>();
        NodeList rects = svg.getElementsByTagNameNS(SVG, "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("bar")) list.add(r);
        }
        return list;
    }

    private static double width(Element rect) {
        return Double.parseDouble(rect.getAttribute("width"));
    }
}
