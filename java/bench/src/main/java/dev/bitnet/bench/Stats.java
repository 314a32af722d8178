package dev.bitnet.bench;

import java.util.Arrays;

/** Median and spread of repeated measurements. */
public record Stats(double median, double min, double max) {
    public static Stats of(double[] values) {
        if (values.length == 0) return new Stats(0, 0, 0);
        double[] v = values.clone();
        Arrays.sort(v);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(median, v[0], v[v.length - 1]);
    }

    /** Half the range relative to the median, in percent. */
    public double spreadPercent() {
        return median == 0 ? 0 : 50.0 * (max - min) / median;
    }
}
