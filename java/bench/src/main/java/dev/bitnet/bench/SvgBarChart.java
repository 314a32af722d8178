package dev.bitnet.bench;

import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as inline SVG: one row per bar, widths proportional to the values (the longest bar, or the
 * highest range end, spans the plot), an optional min–max range line over each bar, the value written after it.
 * A row without a value (a backend that did not run) shows its note instead of a bar. Bars keep their colour by
 * position, so that the same backend has the same colour in every chart of a page.
 *
 * @param title the chart's heading (also its accessible name)
 * @param bars  the rows, top to bottom
 */
public record SvgBarChart(String title, List<Bar> bars) {
    /** Pixels of the plot area a bar of the largest value spans. */
    static final int PLOT_WIDTH = 420;
    private static final int LABEL_WIDTH = 170, VALUE_WIDTH = 130, ROW = 28, BAR = 18, TOP = 34, BOTTOM = 10;
    private static final String[] COLOURS = {"#3b6ea8", "#d9822b", "#3f9b5a", "#a8433b", "#7a5ea8", "#8c8c3b"};

    /**
     * One row.
     *
     * @param label what the bar is (a backend)
     * @param value its length; NaN for no bar
     * @param low   range start (NaN: no range line)
     * @param high  range end (NaN: no range line)
     * @param text  the value as written after the bar
     * @param note  what to write instead of a bar when there is no value
     */
    public record Bar(String label, double value, double low, double high, String text, String note) {
        public static Bar of(String label, double value, String text) {
            return new Bar(label, value, Double.NaN, Double.NaN, text, "");
        }

        public static Bar ranged(String label, Stats s, String text) {
            return new Bar(label, s.median(), s.min(), s.max(), text, "");
        }

        public static Bar missing(String label, String note) {
            return new Bar(label, Double.NaN, Double.NaN, Double.NaN, "", note);
        }

        boolean hasValue() {
            return !Double.isNaN(value);
        }

        boolean hasRange() {
            return hasValue() && !Double.isNaN(low) && !Double.isNaN(high) && high > low;
        }
    }

    public SvgBarChart {
        bars = List.copyOf(bars);
    }

    /** The largest value or range end: the full plot width. */
    double scale() {
        double max = 0;
        for (Bar b : bars) {
            if (!b.hasValue()) continue;
            max = Math.max(max, b.value());
            if (b.hasRange()) max = Math.max(max, b.high());
        }
        return max;
    }

    /** A value's length in pixels. */
    double widthOf(double value) {
        double scale = scale();
        return scale > 0 && value > 0 ? value / scale * PLOT_WIDTH : 0;
    }

    public String render() {
        int width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
        int height = TOP + bars.size() * ROW + BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        svg.append("<text class=\"chart-title\" x=\"0\" y=\"18\">").append(Html.escape(title)).append("</text>\n");
        svg.append("<line class=\"axis\" x1=\"").append(LABEL_WIDTH).append("\" y1=\"").append(TOP - 4).append("\" x2=\"")
                .append(LABEL_WIDTH).append("\" y2=\"").append(height - BOTTOM + 2).append("\"/>\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = TOP + i * ROW;
            double textY = y + BAR / 2.0 + 4;
            svg.append("<text class=\"label\" x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(num(textY))
                    .append("\" text-anchor=\"end\">").append(Html.escape(shortened(b.label(), 24))).append("<title>")
                    .append(Html.escape(b.label())).append("</title></text>\n");
            if (!b.hasValue()) {
                svg.append("<text class=\"note\" x=\"").append(LABEL_WIDTH + 6).append("\" y=\"").append(num(textY))
                        .append("\">").append(Html.escape(shortened(b.note(), 70))).append("<title>")
                        .append(Html.escape(b.note())).append("</title></text>\n");
                continue;
            }
            double w = widthOf(b.value());
            svg.append("<rect class=\"bar\" x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y).append("\" width=\"")
                    .append(num(w)).append("\" height=\"").append(BAR).append("\" fill=\"").append(COLOURS[i % COLOURS.length])
                    .append("\" data-value=\"").append(num(b.value())).append("\"><title>").append(Html.escape(b.label()))
                    .append(": ").append(Html.escape(b.text())).append("</title></rect>\n");
            double end = w;
            if (b.hasRange()) {
                double x1 = LABEL_WIDTH + widthOf(b.low()), x2 = LABEL_WIDTH + widthOf(b.high()), mid = y + BAR / 2.0;
                svg.append("<path class=\"range\" d=\"M").append(num(x1)).append(' ').append(num(mid)).append(" H")
                        .append(num(x2)).append(" M").append(num(x1)).append(' ').append(num(mid - 5)).append(" V")
                        .append(num(mid + 5)).append(" M").append(num(x2)).append(' ').append(num(mid - 5)).append(" V")
                        .append(num(mid + 5)).append("\"/>\n");
                end = Math.max(end, widthOf(b.high()));
            }
            svg.append("<text class=\"value\" x=\"").append(num(LABEL_WIDTH + end + 6)).append("\" y=\"").append(num(textY))
                    .append("\">").append(Html.escape(b.text())).append("</text>\n");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static String shortened(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
