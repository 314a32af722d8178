package dev.bitnet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class SvgBarChartTest {
    @Test
    void widthsAreProportionalAndTheLargestSpansThePlot() {
        SvgBarChart chart = new SvgBarChart("t", List.of(SvgBarChart.Bar.of("a", 10, "10"), SvgBarChart.Bar.of("b", 40, "40"),
                SvgBarChart.Bar.of("c", 0, "0"), SvgBarChart.Bar.missing("d", "skipped: why")));
        List<Double> widths = widths(chart.render());
        assertEquals(List.of(SvgBarChart.PLOT_WIDTH / 4.0, (double) SvgBarChart.PLOT_WIDTH, 0.0), widths);
        assertTrue(chart.render().contains(">skipped: why<"));
    }

    @Test
    void rangesWidenTheScale() {
        SvgBarChart chart = new SvgBarChart("t", List.of(SvgBarChart.Bar.ranged("a", new Stats(10, 5, 20), "10"),
                SvgBarChart.Bar.ranged("b", new Stats(15, 15, 15), "15")));
        assertEquals(20, chart.scale());
        assertEquals(List.of(SvgBarChart.PLOT_WIDTH / 2.0, SvgBarChart.PLOT_WIDTH * 0.75), widths(chart.render()));
        assertEquals(1, chart.render().split("class=\"range\"", -1).length - 1, "a range line only where min < max");
    }

    @Test
    void noValuesAtAllDrawNoBars() {
        SvgBarChart chart = new SvgBarChart("t", List.of(SvgBarChart.Bar.missing("a", "skipped")));
        assertEquals(List.of(), widths(chart.render()));
        assertEquals(0, chart.scale());
    }

    private static List<Double> widths(String svg) {
        Matcher m = Pattern.compile("<rect class=\"bar\"[^>]* width=\"([0-9.]+)\"").matcher(svg);
        return m.results().map(r -> Double.parseDouble(r.group(1))).toList();
    }
}
