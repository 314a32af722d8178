/*
 * A C-level check of libbitnet_cpu's kernel sets, for the sets the Java tests cannot reach on this machine: built
 * together with bitnet_cpu.c by cmake/check-kernels.sh, natively, with the AVX-512 set emulated (SIMDe), and for
 * aarch64 under QEMU (the NEON set). Every set this CPU runs is compared with the plain C set:
 * - ternary rows bit for bit (both compute the same int32 sum and the same float expression), odd shapes, 1 to 6
 *   tokens (around the 4-token tile), row ranges that start inside a row group, extreme activations;
 * - f16 and int8 LM-head rows against a double-precision sum, and bit for bit alone against batched and whole range
 *   against split (a token's logits must not depend on the batch or on the rows a worker got);
 * - attention's block products over an f16 KV cache bit for bit (every score and sum the same fma chain as in C).
 * Prints one line per set and "N passed, M failed"; exits 1 on a failure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitnet_cpu.h"
#include "xorshift.h"

#define ISAS 4
#define PLAIN_C 2

static int passed, failed;
static void expect(int ok, const char *what, int isa, int a, int b, int c) {
    if (ok) {
        passed++;
    } else if (failed++ < 20) {
        printf("FAILED %s: %s (%d, %d, %d)\n", bitnet_cpu_isa_name(isa), what, a, b, c);
    }
}

static double half_value(uint16_t h) {
    int e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : ldexp(1024 + m, e - 25);
    return h >> 15 ? -v : v;
}

/* Ternary rows [from, rows) of isa and of plain C for `tokens` tokens; extreme: activations all -128 or 127. */
static void check_ternary(int isa, int rows, int cols, int tokens, int from, int extreme) {
    int8_t *trits = malloc((size_t) rows * cols);
    for (int i = 0; i < rows * cols; i++) trits[i] = extreme ? (i % 2 ? 1 : -1) : (int8_t) (next() % 3) - 1;
    int sets[2] = {isa, PLAIN_C};
    float *out[2];
    for (int s = 0; s < 2; s++) {
        int block = bitnet_cpu_block_cols(sets[s]), padded = (cols + block - 1) / block * block;
        uint8_t *w = calloc((size_t) bitnet_cpu_packed_bytes(sets[s], rows, padded), 1);
        bitnet_cpu_pack(sets[s], trits, cols, padded, 0, rows, w);
        int8_t *q = calloc((size_t) tokens * padded, 1);
        int32_t *qSum = calloc(tokens, sizeof(int32_t));
        float *qScale = malloc(tokens * sizeof(float));
        uint64_t saved = xorshift_state;
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < cols; c++) {
                int8_t v = extreme ? (t % 2 ? -128 : 127) : (int8_t) (next() & 255);
                q[(size_t) t * padded + c] = v;
                qSum[t] += v;
            }
            qScale[t] = 1.0f + (float) (next() % 1000) / 100.0f;
        }
        xorshift_state = saved;   /* the same activations for both sets */
        out[s] = calloc((size_t) tokens * rows, sizeof(float));
        bitnet_cpu_ternary_rows(sets[s], w, padded, from, rows, q, tokens, qSum, qScale, 0.75f, out[s], rows);
        free(w);
        free(q);
        free(qSum);
        free(qScale);
    }
    for (int t = 0; t < tokens; t++)
        for (int r = 0; r < rows; r++) {   /* rows below `from` are untouched (0) in both */
            if (memcmp(&out[0][(size_t) t * rows + r], &out[1][(size_t) t * rows + r], sizeof(float)) != 0) {
                expect(0, "ternary rows differ from plain C", isa, rows, cols, tokens);
                goto done;
            }
        }
    expect(1, "", isa, 0, 0, 0);
done:
    free(out[0]);
    free(out[1]);
    free(trits);
}

/* LM-head rows (f16 or int8) for n states against double precision, and batch- and range-invariant bits. */
static void check_head(int isa, int int8, int rows, int cols, int n) {
    uint16_t *e = malloc((size_t) rows * cols * 2);
    int8_t *m = malloc((size_t) rows * cols);
    float *scales = malloc(rows * sizeof(float)), *x = malloc((size_t) n * cols * sizeof(float));
    for (int i = 0; i < rows * cols; i++) {
        e[i] = (uint16_t) ((next() & 0x8000) | ((10 + next() % 10) << 10) | (next() & 1023));   /* |v| in [2^-5, 2^5) */
        m[i] = (int8_t) (next() & 255);
    }
    for (int r = 0; r < rows; r++) scales[r] = (float) (1 + next() % 100) / 1000.0f;
    for (int i = 0; i < n * cols; i++) x[i] = ((float) (next() % 2001) - 1000.0f) / 250.0f;
    float *all = malloc((size_t) n * rows * sizeof(float)), *one = malloc((size_t) rows * sizeof(float));
    float *split = malloc((size_t) n * rows * sizeof(float));
    if (int8) {
        bitnet_cpu_i8_rows(isa, m, scales, cols, 0, rows, x, n, all, rows);
        int cut = rows / 3 + 1;
        bitnet_cpu_i8_rows(isa, m, scales, cols, 0, cut, x, n, split, rows);
        bitnet_cpu_i8_rows(isa, m, scales, cols, cut, rows, x, n, split, rows);
    } else {
        bitnet_cpu_f16_rows(isa, e, cols, 0, rows, x, n, all, rows);
        int cut = rows / 3 + 1;
        bitnet_cpu_f16_rows(isa, e, cols, 0, cut, x, n, split, rows);
        bitnet_cpu_f16_rows(isa, e, cols, cut, rows, x, n, split, rows);
    }
    int ok = memcmp(all, split, (size_t) n * rows * sizeof(float)) == 0;
    expect(ok, int8 ? "int8 head depends on the row range" : "f16 head depends on the row range", isa, rows, cols, n);
    for (int k = 0; k < n; k++) {
        if (int8) bitnet_cpu_i8_rows(isa, m, scales, cols, 0, rows, x + (size_t) k * cols, 1, one, rows);
        else bitnet_cpu_f16_rows(isa, e, cols, 0, rows, x + (size_t) k * cols, 1, one, rows);
        ok = memcmp(one, all + (size_t) k * rows, rows * sizeof(float)) == 0;
        expect(ok, int8 ? "int8 head depends on the batch" : "f16 head depends on the batch", isa, rows, cols, k);
        for (int r = 0; r < rows; r++) {
            double exact = 0, scale = 0;
            for (int c = 0; c < cols; c++) {
                double w = int8 ? m[(size_t) r * cols + c] * (double) scales[r] : half_value(e[(size_t) r * cols + c]);
                exact += w * x[(size_t) k * cols + c];
                scale += fabs(w * x[(size_t) k * cols + c]);
            }
            if (fabs(all[(size_t) k * rows + r] - exact) > 1e-5 * scale + 1e-30) {
                expect(0, int8 ? "int8 head far from the exact sum" : "f16 head far from the exact sum", isa, rows, cols, r);
                k = n;
                break;
            }
        }
    }
    expect(1, "", isa, 0, 0, 0);
    free(e);
    free(m);
    free(scales);
    free(x);
    free(all);
    free(one);
    free(split);
}

/* Attention scores and value sums over `rows` positions in blocks of bs, against plain C, bit for bit. */
static void check_attention(int isa, int bs, int rows, int headDim) {
    int blocks = (rows + bs - 1) / bs;
    size_t halves = (size_t) blocks * bs * headDim;
    uint16_t *keys = malloc(halves * 2), *values = malloc(halves * 2);
    for (size_t i = 0; i < halves; i++) {
        keys[i] = (uint16_t) ((next() & 0x8000) | ((8 + next() % 14) << 10) | (next() & 1023));
        values[i] = (uint16_t) ((next() & 0x8000) | ((8 + next() % 14) << 10) | (next() & 1023));
    }
    float *q = malloc((size_t) 4 * headDim * sizeof(float)), *w = malloc((size_t) 4 * rows * sizeof(float));
    for (int i = 0; i < 4 * headDim; i++) q[i] = ((float) (next() % 2001) - 1000.0f) / 500.0f;
    for (int i = 0; i < 4 * rows; i++) w[i] = (float) (next() % 1000) / 1000.0f;
    int stride = rows + 3;
    float *scores[2], *sums[2];
    int sets[2] = {isa, PLAIN_C};
    for (int s = 0; s < 2; s++) {
        scores[s] = calloc((size_t) 4 * stride, sizeof(float));
        sums[s] = malloc((size_t) 4 * headDim * sizeof(float));
        for (int i = 0; i < 4 * headDim; i++) sums[s][i] = 0.25f * (float) i;   /* sums add to what is there */
        bitnet_cpu_attn_scores(sets[s], keys, bs, rows, q, headDim, 0.125f, scores[s], stride);
        bitnet_cpu_attn_sums(sets[s], values, bs, rows, w, headDim, sums[s]);
    }
    expect(memcmp(scores[0], scores[1], (size_t) 4 * stride * sizeof(float)) == 0, "attention scores differ from plain C",
           isa, bs, rows, headDim);
    expect(memcmp(sums[0], sums[1], (size_t) 4 * headDim * sizeof(float)) == 0, "attention sums differ from plain C",
           isa, bs, rows, headDim);
    for (int s = 0; s < 2; s++) {
        free(scores[s]);
        free(sums[s]);
    }
    free(keys);
    free(values);
    free(q);
    free(w);
}

int main(void) {
    static const int shapes[][2] = {{1, 64}, {5, 130}, {9, 256}, {37, 2560}, {13, 1000}, {8, 6912}};
    for (int isa = 0; isa < ISAS; isa++) {
        if (!bitnet_cpu_supports(isa)) continue;
        int before = passed + failed;
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            int rows = shapes[s][0], cols = shapes[s][1];
            for (int tokens = 1; tokens <= 6; tokens++) {
                check_ternary(isa, rows, cols, tokens, 0, 0);
                if (rows > 2) check_ternary(isa, rows, cols, tokens, rows > 4 ? 3 : 1, 0);
            }
            check_ternary(isa, rows, cols, 1, 0, 1);
            check_ternary(isa, rows, cols, 4, 0, 1);
            for (int n = 1; n <= 9; n += 4) {
                check_head(isa, 0, rows + 33, cols, n);
                check_head(isa, 1, rows + 33, cols, n);
            }
        }
        static const int attention[][3] = {{16, 5, 64}, {16, 16, 128}, {16, 37, 64}, {32, 64, 128}, {16, 100, 32}};
        for (size_t a = 0; a < sizeof attention / sizeof attention[0]; a++) {
            int bs = attention[a][0], rows = attention[a][1], headDim = attention[a][2];
            if (isa != PLAIN_C && bitnet_cpu_attn_supports(isa, bs, headDim)) check_attention(isa, bs, rows, headDim);
        }
        printf("%s: %d checks\n", bitnet_cpu_isa_name(isa), passed + failed - before);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
