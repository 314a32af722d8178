package dev.bitnet.backend.reference;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.ForwardBatch;
import dev.bitnet.backend.KvCache;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.ScalarMath;
import dev.bitnet.backend.Tensor;
import dev.bitnet.model.Activation;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.TernaryMatrix;

/**
 * The oracle: every operation as the plainest possible loop, single-threaded, with BitLinear's integer sums exact.
 * Other backends are tested against this one; keep it obviously correct rather than fast.
 */
public final class ReferenceBackend implements Backend {
    private ForwardBatch batch;

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (scalar Java, 1 thread)";
    }

    @Override
    public Tensor loadTernary(TernaryMatrix w) {
        return new RefTensor.Ternary(w.rows(), w.cols(), w.trits().clone(), w.scale());
    }

    @Override
    public Tensor loadVector(float[] values) {
        return new RefTensor.Floats(1, values.length, values.clone());
    }

    @Override
    public Tensor loadEmbedding(F16Matrix e) {
        short[] data = new short[Math.multiplyExact(e.rows(), e.cols())];
        for (int i = 0; i < data.length; i++) data[i] = e.data().get(F16Matrix.F16, 2L * i);
        return new RefTensor.Halfs(e.rows(), e.cols(), data);
    }

    @Override
    public Tensor loadLmHead(dev.bitnet.quant.Int8RowMatrix m) {
        return new RefTensor.Int8Rows(m.rows(), m.cols(), m.q().clone(), m.scales().clone());
    }

    @Override
    public Tensor allocActivations(int maxTokens, int width) {
        return new RefTensor.Floats(maxTokens, width, new float[maxTokens * width]);
    }

    @Override
    public KvCache allocKvCache(KvCacheSpec spec) {
        return new RefKvCache(spec);
    }

    @Override
    public void beginStep(ForwardBatch batch) {
        this.batch = batch;
    }

    private int n() {
        return batch.tokenCount();
    }

    private static float[] f(Tensor t) {
        return ((RefTensor.Floats) t).data();
    }

    @Override
    public void embed(Tensor embedding, Tensor out) {
        RefTensor.Halfs e = (RefTensor.Halfs) embedding;
        float[] o = f(out);
        for (int i = 0; i < n(); i++) {
            int token = batch.tokens()[i];
            for (int c = 0; c < e.cols(); c++) o[i * e.cols() + c] = Float.float16ToFloat(e.data()[token * e.cols() + c]);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        int d = x.cols();
        float[] in = f(x), w = f(weight), o = f(out);
        for (int i = 0; i < n(); i++) ScalarMath.rmsNorm(in, i * d, w, eps, o, i * d, d);
    }

    @Override
    public void bitLinear(Tensor x, Tensor weight, Tensor out) {
        RefTensor.Ternary w = (RefTensor.Ternary) weight;
        float[] in = f(x), o = f(out);
        int k = w.cols();
        short[] q = new short[k];
        for (int i = 0; i < n(); i++) {
            float s = ScalarMath.quantizeRow(in, i * k, k, q);
            for (int r = 0; r < w.rows(); r++) {
                int acc = 0;
                for (int c = 0; c < k; c++) acc += w.trits()[r * k + c] * q[c];
                o[i * w.rows() + r] = acc * w.scale() / s;
            }
        }
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, float theta) {
        float[] v = f(x), cos = new float[headDim / 2], sin = new float[headDim / 2];
        for (int i = 0; i < n(); i++) {
            ScalarMath.ropeAngles(batch.positions()[i], headDim, theta, cos, sin);
            for (int h = 0; h < heads; h++) ScalarMath.ropeHead(v, i * x.cols() + h * headDim, headDim, cos, sin);
        }
    }

    @Override
    public void storeKv(KvCache cache, int layer, Tensor k, Tensor v) {
        RefKvCache c = (RefKvCache) cache;
        int d = c.spec.kvDim();
        float[] kk = f(k), vv = f(v);
        for (int i = 0; i < n(); i++) {
            int slot = batch.slot(i);
            for (int j = 0; j < d; j++) {
                c.keys[layer][slot * d + j] = c.spec.type().round(kk[i * d + j]);
                c.values[layer][slot * d + j] = c.spec.type().round(vv[i * d + j]);
            }
        }
    }

    @Override
    public void attention(Tensor q, KvCache cache, int layer, int heads, int headDim, Tensor out) {
        RefKvCache c = (RefKvCache) cache;
        int kvDim = c.spec.kvDim();
        int group = heads / c.spec.kvHeads();
        float[] qq = f(q), o = f(out);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int i = 0; i < n(); i++) {
            int seq = batch.seqIndex()[i];
            int len = batch.positions()[i] + 1;
            float[] scores = new float[len];
            for (int h = 0; h < heads; h++) {
                int kvOffset = (h / group) * headDim;
                int qOffset = i * q.cols() + h * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < len; p++) {
                    int slot = batch.slotOf(seq, p);
                    float dot = 0f;
                    for (int j = 0; j < headDim; j++) dot += qq[qOffset + j] * c.keys[layer][slot * kvDim + kvOffset + j];
                    scores[p] = dot * scale;
                    max = Math.max(max, scores[p]);
                }
                float sum = 0f;
                for (int p = 0; p < len; p++) {
                    scores[p] = (float) Math.exp(scores[p] - max);
                    sum += scores[p];
                }
                int oOffset = i * out.cols() + h * headDim;
                for (int j = 0; j < headDim; j++) o[oOffset + j] = 0f;
                for (int p = 0; p < len; p++) {
                    int slot = batch.slotOf(seq, p);
                    float wgt = scores[p] / sum;
                    for (int j = 0; j < headDim; j++) o[oOffset + j] += wgt * c.values[layer][slot * kvDim + kvOffset + j];
                }
            }
        }
    }

    @Override
    public void gatedActivation(Tensor gate, Tensor up, Activation act, Tensor out) {
        float[] g = f(gate), u = f(up), o = f(out);
        for (int i = 0; i < n() * gate.cols(); i++) o[i] = act.apply(g[i]) * u[i];
    }

    @Override
    public void add(Tensor x, Tensor y) {
        float[] a = f(x), b = f(y);
        for (int i = 0; i < n() * x.cols(); i++) a[i] += b[i];
    }

    @Override
    public void logits(Tensor x, Tensor lmHead, float[] out) {
        float[] in = f(x);
        int[] rows = batch.logitRows();
        int vocab = lmHead.rows(), d = lmHead.cols();
        for (int k = 0; k < rows.length; k++) {
            for (int v = 0; v < vocab; v++) {
                float dot = 0f;
                switch (lmHead) {
                    case RefTensor.Halfs e -> {
                        for (int c = 0; c < d; c++) dot += in[rows[k] * d + c] * Float.float16ToFloat(e.data()[v * d + c]);
                    }
                    case RefTensor.Int8Rows q -> {
                        for (int c = 0; c < d; c++) dot += in[rows[k] * d + c] * q.q()[v * d + c];
                        dot *= q.scales()[v];
                    }
                    default -> throw new IllegalArgumentException("not an LM head: " + lmHead);
                }
                out[k * vocab + v] = dot;
            }
        }
    }

    @Override
    public void free(Tensor t) {
    }

    @Override
    public void close() {
    }
}
