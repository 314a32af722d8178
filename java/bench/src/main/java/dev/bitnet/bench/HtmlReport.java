package dev.bitnet.bench;

import dev.bitnet.backend.StepProfile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link BenchReport} as one self-contained page: inline CSS and inline SVG charts, no script, font or network
 * access. The markup is XHTML-compatible (it parses as XML), every string from outside is escaped.
 */
public final class HtmlReport {
    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
                   max-width: 1100px; margin: 2em auto; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; }
            h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
            h3 { font-size: 1.05em; margin-top: 1.3em; }
            table { border-collapse: collapse; }
            th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
            table.results th { background: #f4f4f6; text-align: right; }
            table.results td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table.results th:first-child, table.results td:first-child { text-align: left; }
            table.sweep th:nth-child(-n+3), table.sweep td:nth-child(-n+3) { text-align: left; }
            table.results td.skipped { text-align: left; color: #8a4b00; white-space: normal; }
            table.facts th { text-align: left; font-weight: 600; padding-left: 0; }
            code, .command { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.95em; }
            .command { background: #f4f4f6; padding: 0.2em 0.4em; word-break: break-all; }
            .agree { color: #1f7a3a; font-weight: 600; }
            .differ { color: #b3261e; font-weight: 600; }
            .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
            svg.chart { font-size: 12px; }
            svg .chart-title { font-weight: 600; font-size: 13px; }
            svg .axis { stroke: #999; }
            svg .range { stroke: #222; stroke-width: 1.2; fill: none; }
            svg .note { fill: #8a4b00; font-style: italic; }
            .muted { color: #666; }
            """;

    private HtmlReport() {
    }

    /** Writes the page to {@code file}, atomically. */
    public static void write(BenchReport report, Path file) throws IOException {
        write(List.of(report), file);
    }

    /** Writes the page of one run, or of a sweep's runs, to {@code file}, atomically. */
    public static void write(List<BenchReport> reports, Path file) throws IOException {
        AtomicFiles.writeString(file, render(reports));
    }

    public static String render(BenchReport r) {
        return render(List.of(r));
    }

    /**
     * One run's page, or a sweep's: the settings the runs share, a summary row per run and backend, then each run in
     * its own section.
     */
    public static String render(List<BenchReport> reports) {
        if (reports.isEmpty()) throw new IllegalArgumentException("no run to report");
        BenchReport r = reports.getFirst();
        boolean sweep = reports.size() > 1;
        BenchConfig cfg = r.config();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>bitnet bench: ").append(e(backendList(r))).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>bitnet bench</h1>\n<p class=\"muted\">").append(e(backendList(r))).append(" \u2014 ")
                .append(e(sweep ? reports.size() + " runs" : cfg.tests())).append(", ").append(cfg.repetitions())
                .append(cfg.repetitions() == 1 ? " repetition" : " repetitions").append("</p>\n");

        h.append("<h2>Run</h2>\n<table class=\"facts\">\n");
        fact(h, "date", r.date().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        h.append("<tr><th>command</th><td><code class=\"command\">").append(e(r.commandLine())).append("</code></td></tr>\n");
        fact(h, "model", r.model() + " (" + Units.mib(r.modelBytes()) + ")");
        String repetitions = cfg.repetitions() + (cfg.repetitions() == 1 ? " repetition, " : " repetitions, ");
        boolean oneKv = reports.stream().allMatch(x -> x.config().kvType() == cfg.kvType());
        boolean oneHead = reports.stream().allMatch(x -> x.config().lmHead() == cfg.lmHead());
        String shared = (oneKv ? "KV cache " + lower(cfg.kvType()) + ", " : "") + (oneHead ? "LM head " + lower(cfg.lmHead()) + ", " : "")
                + "prefill chunk " + cfg.prefillChunk();
        fact(h, "settings", sweep ? repetitions + shared + "; each run's own below"
                : tests(cfg) + repetitions + threads(r) + ", " + shared);
        MachineInfo m = r.machine();
        fact(h, "CPU", m.cpuModel() + ", " + m.cores() + " cores available"
                + (m.hardwareThreads() > m.cores() ? " (" + m.hardwareThreads() + " hardware threads)" : ""));
        if (m.memoryBytes() > 0) fact(h, "memory", Units.memory(m.memoryBytes()));
        if (!sweep) fact(h, "measured read bandwidth", Units.bandwidth(r));
        fact(h, "JDK", m.jdk());
        fact(h, "OS", m.os());
        h.append("</table>\n");

        if (!sweep) {
            body(h, r, 2);
        } else {
            h.append("<h2>All runs</h2>\n<table class=\"results sweep\">\n<tr>");
            for (String col : SweepTable.HEADER) h.append("<th>").append(e(col)).append("</th>");
            h.append("</tr>\n");
            for (BenchReport run : reports) {
                for (BackendResult b : run.results()) {
                    h.append("<tr>");
                    for (String cell : SweepTable.cells(run, b)) h.append("<td>").append(e(cell)).append("</td>");
                    h.append("</tr>\n");
                }
            }
            h.append("</table>\n");
            for (BenchReport run : reports) {
                h.append("<h2>").append(e(run.config().tests() + ", " + threads(run)))
                        .append("</h2>\n<p class=\"muted\">").append(e(tests(run.config()) + threads(run) + ", KV cache "
                                + lower(run.config().kvType()) + ", LM head " + lower(run.config().lmHead())))
                        .append("; measured read bandwidth ")
                        .append(e(Units.bandwidth(run))).append("</p>\n");
                body(h, run, 3);
            }
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** A run's tests in words, up to its threads: "prompt 128 tokens, 64 decoded, after 1024 tokens of context, ". */
    private static String tests(BenchConfig cfg) {
        return "prompt " + cfg.promptTokens() + " tokens, " + cfg.genTokens() + " decoded"
                + (cfg.sequences() > 1 ? " by each of " + cfg.sequences() + " sequences together" : "") + ", "
                + (cfg.depth() > 0 ? "after " + cfg.depth() + " tokens of context, " : "");
    }

    private static String threads(BenchReport r) {
        return r.threads() + (r.threads() == 1 ? " thread" : " threads");
    }

    /** One run's results, agreement, profiles and charts, under headings of {@code level}. */
    private static void body(StringBuilder h, BenchReport r, int level) {
        String open = "<h" + level + ">", close = "</h" + level + ">\n";
        h.append(open).append("Results").append(close).append("<table class=\"results\">\n<tr>");
        for (String col : ComparisonTable.HEADER) h.append("<th>").append(e(col)).append("</th>");
        h.append("</tr>\n");
        for (BenchOutcome o : r.outcomes()) {
            h.append("<tr>");
            switch (o) {
                case BackendResult b -> {
                    h.append("<td title=\"").append(e(b.description())).append("\">").append(e(b.backend())).append("</td>");
                    for (String cell : new String[]{Units.fixed(b.loadSeconds(), 2), Units.rate(b.prefill()),
                            Units.rate(b.decode()), Units.memory(b.peakRssBytes()), Units.memory(b.deviceMemoryBytes()),
                            Units.fixed(b.bytesPerToken() / 1e6, 0), Units.fixed(b.achievedBytesPerSecond() / 1e9, 1),
                            Units.share(r, b)}) {
                        h.append("<td>").append(e(cell)).append("</td>");
                    }
                }
                case SkippedBackend s -> h.append("<td>").append(e(s.backend())).append("</td><td class=\"skipped\" colspan=\"")
                        .append(ComparisonTable.HEADER.length - 1).append("\">").append(e(s.label())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<ul class=\"muted\">\n");
        for (BackendResult b : r.results()) {
            h.append("<li><b>").append(e(b.backend())).append("</b>: ").append(e(b.description())).append("</li>\n");
        }
        h.append("</ul>\n<p class=\"muted\">tok/s: median of the repetitions \u00b1 half their range; host peak RSS: the process's "
                + "peak resident memory while the backend ran; device mem: memory the backend holds on its device after "
                + "loading and a first run (\u2014 for backends that compute on the host); MB/token: bytes a decode step "
                + "reads; GB/s: MB/token \u00d7 decode tok/s, and its share of the measured read bandwidth.</p>\n");

        h.append(open).append("Greedy output agreement").append(close);
        agreement(h, r);
        profiles(h, r, level);

        h.append(open).append("Charts").append(close).append("<div class=\"charts\">\n");
        for (SvgBarChart chart : charts(r)) h.append(chart.render()).append('\n');
        h.append("</div>\n");
    }

    /** Prefill and decode tokens/s with their ranges, host peak RSS, and device memory when a backend has some. */
    static List<SvgBarChart> charts(BenchReport r) {
        List<SvgBarChart> charts = new ArrayList<>();
        charts.add(chart(r, "prefill tokens/s (pp" + r.config().promptTokens() + ")",
                b -> SvgBarChart.Bar.ranged(b.backend(), b.prefill(), Units.rate(b.prefill()))));
        charts.add(chart(r, "decode tokens/s (tg" + r.config().genTokens()
                        + (r.config().sequences() > 1 ? " x " + r.config().sequences() + " sequences" : "") + ")",
                b -> SvgBarChart.Bar.ranged(b.backend(), b.decode(), Units.rate(b.decode()))));
        charts.add(chart(r, "host peak RSS (MiB)",
                b -> SvgBarChart.Bar.of(b.backend(), b.peakRssBytes() / (1024.0 * 1024), Units.memory(b.peakRssBytes()))));
        if (r.results().stream().anyMatch(b -> b.deviceMemoryBytes() > 0)) {
            charts.add(chart(r, "device memory (MiB)", b -> b.deviceMemoryBytes() > 0
                    ? SvgBarChart.Bar.of(b.backend(), b.deviceMemoryBytes() / (1024.0 * 1024), Units.memory(b.deviceMemoryBytes()))
                    : SvgBarChart.Bar.missing(b.backend(), "host backend")));
        }
        return charts;
    }

    private static SvgBarChart chart(BenchReport r, String title, Function<BackendResult, SvgBarChart.Bar> bar) {
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        for (BenchOutcome o : r.outcomes()) {
            bars.add(switch (o) {
                case BackendResult b -> bar.apply(b);
                case SkippedBackend s -> SvgBarChart.Bar.missing(s.backend(), s.label());
            });
        }
        return new SvgBarChart(title, bars);
    }

    /** Each profiled backend's prefill and decode steps by operation ({@code --profile}); nothing without. */
    private static void profiles(StringBuilder h, BenchReport r, int level) {
        for (ProfileTable.Phase phase : ProfileTable.Phase.values()) {
            if (r.results().stream().allMatch(b -> phase.of(b).isEmpty())) continue;
            String title = phase.title();
            h.append("<h").append(level).append(">").append(e(Character.toUpperCase(title.charAt(0)) + title.substring(1)))
                    .append("</h").append(level).append(">\n")
                    .append("<p class=\"muted\">").append(e(phase.note(r.config()))).append(".</p>\n");
            for (BackendResult b : r.results()) profile(h, b.backend(), phase.of(b), level + 1);
        }
    }

    /** One backend's profile of one phase as a table (nothing for an empty one). */
    private static void profile(StringBuilder h, String backend, StepProfile p, int level) {
        if (p.isEmpty()) return;
        h.append("<h").append(level).append(">").append(e(ProfileTable.title(backend, p))).append("</h").append(level)
                .append(">\n<table class=\"results\">\n<tr>");
        for (String col : ProfileTable.HEADER) h.append("<th>").append(e(col)).append("</th>");
        h.append("</tr>\n");
        for (StepProfile.Op op : p.ops()) {
            h.append("<tr>");
            for (String cell : ProfileTable.cells(p, op)) h.append("<td>").append(e(cell)).append("</td>");
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void agreement(StringBuilder h, BenchReport r) {
        List<Agreement> agreements = r.agreements();
        if (r.reference().isEmpty()) {
            h.append("<p>No backend ran.</p>\n");
            return;
        }
        if (agreements.isEmpty()) {
            h.append("<p>Only one backend ran; nothing to compare.</p>\n");
            return;
        }
        h.append("<p>Greedy decode of ").append(r.config().genTokens())
                .append(r.config().sequences() > 1 ? " tokens in each of " + r.config().sequences() + " sequences" : " tokens")
                .append(" from the same start, compared with <b>")
                .append(e(r.reference().get().backend())).append("</b>: ")
                .append(r.allAgree() ? "<span class=\"agree\">all agree</span>" : "<span class=\"differ\">they differ</span>")
                .append(".</p>\n<ul>\n");
        for (Agreement a : agreements) {
            h.append("<li><b>").append(e(a.backend())).append("</b>: <span class=\"").append(a.agree() ? "agree" : "differ")
                    .append("\">").append(e(a.summary())).append("</span></li>\n");
        }
        h.append("</ul>\n");
    }

    private static String backendList(BenchReport r) {
        return String.join(" vs ", r.outcomes().stream().map(BenchOutcome::backend).toList());
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(e(name)).append("</th><td>").append(e(value)).append("</td></tr>\n");
    }

    private static String lower(Object o) {
        return String.valueOf(o).toLowerCase(java.util.Locale.ROOT);
    }

    private static String e(String s) {
        return Html.escape(s);
    }
}
