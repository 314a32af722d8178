/*
 * libbitnet_cpu: the cpu-native backend's matrix kernels and the block products of its attention over an f16 KV
 * cache, bound from Java with the FFM API (dev.bitnet.backend.cpu.LibBitnetCpu). Everything else of the backend
 * (norms, RoPE, softmax, threads) is Java.
 *
 * One library for every x86-64 CPU: each kernel exists for AVX-512 VNNI (vpdpbusd), AVX2 (vpmaddubsw + vpmaddwd)
 * and plain C; on aarch64 for NEON with the dot-product extension (sdot) and plain C. The caller asks
 * bitnet_cpu_supports() (CPUID, the aarch64 hardware capabilities) and names the set in every call. Other
 * architectures get the plain C kernels only (the Vector API backend is the better choice there).
 *
 * Ternary weight layout (written by bitnet_cpu_pack, read by the ternary kernels). V is the vector width in bytes
 * of the chosen kernel (64 for AVX-512, 16 for NEON, 32 otherwise). A row is cut into blocks of 4V columns, stored as V bytes:
 * byte j of block b holds, in bits 2g..2g+1, the code c = t + 1 (t the trit) of column 4V*b + V*g + j, g = 0..3.
 * So one V-byte load brings 4V weights, and group g (shift by 2g, mask 3) lines up with the V contiguous int8
 * activations q[4V*b + V*g ..]. Rows are padded with code 0 to a whole block; the activations past cols are 0.
 * Rows are stored in groups of R (4 for the SIMD sets, 1 for plain C; the row count is padded to a multiple of R):
 * block b of row r sits at byte V * ((r / R) * blocks * R + b * R + r % R). With R = 4 a one-token kernel reads four
 * rows as one sequential stream and shares each activation load between them (measured on one core, 2B4T shapes:
 * AVX-512 17 -> 24.5 GB/s, AVX2 14 -> 19.5 GB/s; four rows stored apart are four short streams that defeat the
 * prefetcher).
 *
 * Arithmetic: sum t*q = sum c*q - sum q, exact in int32. c*q with c in {0,1,2} and q in [-128,127] is exactly what
 * vpmaddubsw / vpdpbusd multiply (unsigned byte x signed byte); vpmaddubsw adds pairs into int16 (|.| <= 512, no
 * saturation) and four groups of one block stay below 2048 before vpmaddwd widens them to int32. NEON's sdot takes
 * c as a signed byte (0..2) and adds four products into int32 lanes. kernel_check.c checks every set against plain C.
 */
#include "bitnet_cpu.h"
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(BITNET_EMULATE_AVX512)
#include "avx512_emulation.h" /* a test build only: the AVX-512 set run through SIMDe on an AVX2 CPU (cmake/) */
#elif defined(__x86_64__)
#include <immintrin.h>
#endif

#define MAX_TILE 4 /* tokens per weight read in the ternary kernels */

/* ---- plain C ---------------------------------------------------------------------------------------------- */

static void ternary_rows_c(const uint8_t *w, int paddedCols, int from, int to, const int8_t *q, int tokens,
                           const int32_t *qSum, const float *qScale, float wScale, float *out, int outStride) {
    const int V = 32, bytesPerRow = paddedCols / 4;
    for (int r = from; r < to; r++) {
        const uint8_t *row = w + (int64_t) r * bytesPerRow;
        for (int t = 0; t < tokens; t++) {
            const int8_t *x = q + (int64_t) t * paddedCols;
            int32_t sum = 0;
            for (int b = 0; b < paddedCols / (4 * V); b++)
                for (int g = 0; g < 4; g++)
                    for (int j = 0; j < V; j++) sum += ((row[b * V + j] >> (2 * g)) & 3) * x[4 * V * b + V * g + j];
            out[(int64_t) t * outStride + r] = (float) (sum - qSum[t]) * wScale / qScale[t];
        }
    }
}

static void f16_rows_c(const uint16_t *e, int cols, int from, int to, const float *x, int n, float *out, int outStride);
static void i8_rows_c(const int8_t *m, const float *scales, int cols, int from, int to, const float *x, int n,
                      float *out, int outStride) {
    for (int r = from; r < to; r++)
        for (int k = 0; k < n; k++) {
            float sum = 0;
            for (int c = 0; c < cols; c++) sum += m[(int64_t) r * cols + c] * x[(int64_t) k * cols + c];
            out[(int64_t) k * outStride + r] = sum * scales[r];
        }
}

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t) (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0x1f) bits = sign | 0x7f800000 | (man << 13);
    else if (exp != 0) bits = sign | ((exp + 112) << 23) | (man << 13);
    else if (man == 0) bits = sign;
    else { /* subnormal: normalise */
        int shift = 0;
        while (!(man & 0x400)) { man <<= 1; shift++; }
        bits = sign | ((uint32_t) (113 - shift) << 23) | ((man & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void f16_rows_c(const uint16_t *e, int cols, int from, int to, const float *x, int n, float *out, int outStride) {
    for (int r = from; r < to; r++)
        for (int k = 0; k < n; k++) {
            float sum = 0;
            for (int c = 0; c < cols; c++) sum += half_to_float(e[(int64_t) r * cols + c]) * x[(int64_t) k * cols + c];
            out[(int64_t) k * outStride + r] = sum;
        }
}

/*
 * Attention over an f16 KV cache, in the Java backend's layout (CpuKvCache): a run of consecutive blocks of bs
 * positions; keys transposed within a block (dimension d of row r at keys[blk * bs * headDim + d * bs + r]), values
 * as rows (row r's headDim halves at values[r * headDim]). Four query heads at a time: queries interleaved (head j's
 * dimension d at q[4d + j]), scores head after head (scores[j * stride + r]), softmax weights interleaved (w[4r + j]).
 * Every score is one fma chain over dimensions 0.. and every value sum one chain over a block's rows 0.., added to
 * the running sum block by block: the order of the Java kernel (AttentionKernel), so both give the same bits.
 */
static void attn_scores_c(const uint16_t *keys, int bs, int rows, const float *q, int headDim, float scale,
                          float *scores, int stride) {
    for (int r = 0; r < rows; r++) {
        const uint16_t *k = keys + (int64_t) (r / bs) * bs * headDim + r % bs;
        for (int j = 0; j < 4; j++) {
            float acc = 0;
            for (int d = 0; d < headDim; d++) acc = fmaf(half_to_float(k[(int64_t) d * bs]), q[4 * d + j], acc);
            scores[(int64_t) j * stride + r] = acc * scale;
        }
    }
}

static void attn_sums_c(const uint16_t *values, int bs, int rows, const float *w, int headDim, float *sums) {
    for (int b0 = 0; b0 < rows; b0 += bs) {
        int n = rows - b0 < bs ? rows - b0 : bs;
        for (int j = 0; j < 4; j++)
            for (int d = 0; d < headDim; d++) {
                float acc = 0;
                for (int r = b0; r < b0 + n; r++) acc = fmaf(half_to_float(values[(int64_t) r * headDim + d]), w[4 * r + j], acc);
                sums[j * headDim + d] += acc;
            }
    }
}

/* ---- generic SIMD loops, instantiated per kernel set below -------------------------------------------------- */

/*
 * The token-tiled loop of a SIMD ternary kernel with vector width V and row groups of R (see the layout). Rows that
 * form a whole group of R > 1 go to GROUP(group, blocks, x, sums) (one token, R sums) and, where PAIRS is 1,
 * GROUP2(group, blocks, x, paddedCols, sums) (two tokens, 2R sums); both read the group as one stream. Other rows,
 * and every row of a multi-token tile where PAIRS is 0, go to ROW(row, blockStride, blocks, x, paddedCols, T, sums),
 * T a constant (so its accumulators stay in registers). Then the scales are applied. One definition for every
 * kernel set.
 */
#define NO_GROUP2(group, blocks, x, paddedCols, sums) ((void) 0)
#define DEFINE_TERNARY_ROWS(NAME, ATTR, ROW, GROUP, GROUP2, PAIRS, V, R)                                             \
    ATTR static void NAME(const uint8_t *w, int paddedCols, int from, int to, const int8_t *q, int tokens,          \
                          const int32_t *qSum, const float *qScale, float wScale, float *out, int outStride) {      \
        const int blocks = paddedCols / (4 * (V));                                                                 \
        int32_t sums[MAX_TILE * (R)]; /* sums[t * n + i]: token t, row r + i */                                    \
        for (int t0 = 0; t0 < tokens; t0 += MAX_TILE) {                                                            \
            int T = tokens - t0 < MAX_TILE ? tokens - t0 : MAX_TILE;                                               \
            const int8_t *x = q + (int64_t) t0 * paddedCols;                                                       \
            for (int r = from; r < to;) {                                                                          \
                const uint8_t *row = w + (V) * ((int64_t) (r / (R)) * blocks * (R) + r % (R));                     \
                int n = 1;                                                                                         \
                if ((R) > 1 && r % (R) == 0 && r + (R) <= to && (T == 1 || (PAIRS))) {                             \
                    n = (R);                                                                                       \
                    for (int t = 0; t < T; t += 2) {                                                               \
                        if (T - t >= 2) GROUP2(row, blocks, x + (int64_t) t * paddedCols, paddedCols, sums + t * (R)); \
                        else GROUP(row, blocks, x + (int64_t) t * paddedCols, sums + t * (R));                     \
                    }                                                                                              \
                } else {                                                                                           \
                    switch (T) {                                                                                   \
                        case 4: ROW(row, (V) * (R), blocks, x, paddedCols, 4, sums); break;                        \
                        case 3: ROW(row, (V) * (R), blocks, x, paddedCols, 3, sums); break;                        \
                        case 2: ROW(row, (V) * (R), blocks, x, paddedCols, 2, sums); break;                        \
                        default: ROW(row, (V) * (R), blocks, x, paddedCols, 1, sums); break;                       \
                    }                                                                                              \
                }                                                                                                  \
                for (int t = 0; t < T; t++)                                                                        \
                    for (int i = 0; i < n; i++)                                                                    \
                        out[(int64_t) (t0 + t) * outStride + r + i] =                                              \
                                (float) (sums[t * n + i] - qSum[t0 + t]) * wScale / qScale[t0 + t];                \
                r += n;                                                                                            \
            }                                                                                                      \
        }                                                                                                          \
    }

/*
 * Logits from f16 or int8 rows, R rows against T hidden states at a time (R * T <= 8 accumulators): each row chunk
 * is converted to f32 once for the T states and each state chunk loaded once for the R rows. On this AVX2 VM loads,
 * not fmas, bound the product (a C loop in L1: 2.9 fmas per ns with a load per fma, 5 with none), so a row against
 * each state in turn (a load of the state per fma) ran a batched decode's eight states at 2.4 fmas per ns.
 * Each (row, state) sum is one chain of W lanes over the row's W-column chunks, then the plain C tail: the same
 * order for any R and T, so a token's logit depends neither on the other tokens of its step nor on the row range a
 * worker got. VEC names the vector width's type and operations (VEC##_TYPE, _LANES, _ZERO, _LOADU, _FMADD, _HSUM below);
 * LOADW(row, c) gives columns c..c+W-1 of a row as f32, SCALAR(row, c) one column.
 */
#define HEAD_ACCUMULATORS 8
/* Accumulator k is row k / T against state k % T. They are named, a0..a7, not an array: GCC (aarch64) kept an array
 * of them on the stack, a store per fma group in the loop. Unused ones (k >= R * T) are dropped by the compiler. */
#define HEAD_STEP(VEC, LOADW, k)                                                                                      \
    if ((k) < R * T) a##k = VEC##_FMADD(LOADW(rows + (int64_t) ((k) / T) * cols, c), xs[(k) % T], a##k)
#define HEAD_FINISH(VEC, SCALAR, k)                                                                                   \
    if ((k) < R * T) {                                                                                                \
        const int i = (k) / T, t = (k) % T;                                                                           \
        float sum = VEC##_HSUM(a##k);                                                                                 \
        for (int col = c; col < cols; col++) sum += SCALAR(rows + (int64_t) i * cols, col) * x[(int64_t) t * cols + col]; \
        sums[k] = sum;                                                                                                \
    }
#define DEFINE_HEAD_TILE(NAME, ATTR, TYPE, VEC, LOADW, SCALAR)                                                        \
    ATTR static inline __attribute__((always_inline)) void NAME(const TYPE *rows, int cols, const float *x, int R,    \
                                                                int T, float *sums) {                                \
        const int W = VEC##_LANES;                                                                                    \
        VEC##_TYPE a0 = VEC##_ZERO(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;                  \
        int c = 0;                                                                                                    \
        /* the R rows after these (contiguous), a slice per chunk: R short streams alone stall the prefetchers */     \
        const char *next = (const char *) (rows + (int64_t) R * cols);                                                \
        for (; c + W <= cols; c += W) {                                                                               \
            for (int64_t b = (int64_t) c * R * (int64_t) sizeof(TYPE); b < (int64_t) (c + W) * R * (int64_t) sizeof(TYPE); b += 64) \
                __builtin_prefetch(next + b, 0, 2); /* into L2, as prefetcht1 */                                      \
            VEC##_TYPE xs[HEAD_ACCUMULATORS];                                                                         \
            for (int t = 0; t < T; t++) xs[t] = VEC##_LOADU(x + (int64_t) t * cols + c);                              \
            /* row k / T's chunk is loaded (and converted) once: the T steps of a row repeat the same load */          \
            HEAD_STEP(VEC, LOADW, 0); HEAD_STEP(VEC, LOADW, 1); HEAD_STEP(VEC, LOADW, 2); HEAD_STEP(VEC, LOADW, 3);   \
            HEAD_STEP(VEC, LOADW, 4); HEAD_STEP(VEC, LOADW, 5); HEAD_STEP(VEC, LOADW, 6); HEAD_STEP(VEC, LOADW, 7);   \
        }                                                                                                             \
        HEAD_FINISH(VEC, SCALAR, 0) HEAD_FINISH(VEC, SCALAR, 1) HEAD_FINISH(VEC, SCALAR, 2)                           \
        HEAD_FINISH(VEC, SCALAR, 3) HEAD_FINISH(VEC, SCALAR, 4) HEAD_FINISH(VEC, SCALAR, 5)                           \
        HEAD_FINISH(VEC, SCALAR, 6) HEAD_FINISH(VEC, SCALAR, 7)                                                       \
    }
#define F16_SCALAR(row, c) half_to_float((row)[c])
#define I8_SCALAR(row, c) ((float) (row)[c])

/* Rows in blocks of HEAD_ROW_BLOCK (160 KB of f16: from memory once, then from L2), each block against up to four
 * hidden states at a time (40 KB for 2B4T, mostly in L1 over the block's rows), eight rows for one state, four for
 * two, two for three or four, one where the block runs out; each sum times SCALE. R and T are constants in each
 * call of TILE, so its accumulators stay in registers. */
#define HEAD_ROW_BLOCK 32
#define HEAD_CALL(TILE, R, T)                                                                                         \
    do {                                                                                                              \
        if (r + (R) <= r1) TILE(row, cols, xk, R, T, sums);                                                           \
        else TILE(row, cols, xk, 1, T, sums);                                                                         \
        n = r + (R) <= r1 ? (R) : 1;                                                                                  \
    } while (0)
#define DEFINE_HEAD_ROWS(NAME, ATTR, TYPE, TILE, SCALE)                                                               \
    ATTR static void NAME(const TYPE *m, const float *scales, int cols, int from, int to, const float *x, int states, \
                          float *out, int outStride) {                                                                \
        float sums[HEAD_ACCUMULATORS];                                                                                \
        for (int r0 = from; r0 < to; r0 += HEAD_ROW_BLOCK) {                                                          \
            int r1 = to - r0 < HEAD_ROW_BLOCK ? to : r0 + HEAD_ROW_BLOCK;                                             \
            for (int k = 0; k < states; k += 4) {                                                                     \
                int T = states - k < 4 ? states - k : 4;                                                              \
                const float *xk = x + (int64_t) k * cols;                                                             \
                for (int r = r0, n; r < r1; r += n) {                                                                 \
                    const TYPE *row = m + (int64_t) r * cols;                                                         \
                    switch (T) {                                                                                      \
                        case 4: HEAD_CALL(TILE, 2, 4); break;                                                         \
                        case 3: HEAD_CALL(TILE, 2, 3); break;                                                         \
                        case 2: HEAD_CALL(TILE, 4, 2); break;                                                         \
                        default: HEAD_CALL(TILE, 8, 1); break;                                                        \
                    }                                                                                                 \
                    for (int i = 0; i < n; i++)                                                                       \
                        for (int t = 0; t < T; t++) out[(int64_t) (k + t) * outStride + r + i] = sums[i * T + t] * (SCALE); \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
    }
/* A kernel set's LM head: the f16 and int8 tiles and row loops above, and its f16_rows_<SET> entry. */
#define DEFINE_HEAD_SET(SET, ATTR, VEC, F16_LOAD, I8_LOAD)                                                            \
    DEFINE_HEAD_TILE(f16_head_##SET##_tile, ATTR, uint16_t, VEC, F16_LOAD, F16_SCALAR)                                \
    DEFINE_HEAD_TILE(i8_head_##SET##_tile, ATTR, int8_t, VEC, I8_LOAD, I8_SCALAR)                                     \
    DEFINE_HEAD_ROWS(f16_head_rows_##SET, ATTR, uint16_t, f16_head_##SET##_tile, 1.0f)                                \
    DEFINE_HEAD_ROWS(i8_rows_##SET, ATTR, int8_t, i8_head_##SET##_tile, scales[r + i])                                \
    ATTR static void f16_rows_##SET(const uint16_t *e, int cols, int from, int to, const float *x, int n, float *out, \
                                    int outStride) {                                                                  \
        f16_head_rows_##SET(e, NULL, cols, from, to, x, n, out, outStride);                                           \
    }

#if defined(__x86_64__)

/* ---- AVX2 (+ FMA, F16C) --------------------------------------------------------------------------------- */

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline int32_t hsum256(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

AVX2 static inline float hsum256f(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* T tokens against one row; T is a constant after inlining, so acc[] lives in registers. */
AVX2 static inline __attribute__((always_inline)) void ternary_row_avx2(
        const uint8_t *row, int blockStride, int blocks, const int8_t *q, int paddedCols, int T, int32_t *sums) {
    const __m256i mask = _mm256_set1_epi8(3), ones = _mm256_set1_epi16(1);
    __m256i acc[MAX_TILE];
    for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_si256();
    for (int b = 0; b < blocks; b++) {
        __m256i p = _mm256_loadu_si256((const __m256i *) (row + (int64_t) blockStride * b));
        __m256i c0 = _mm256_and_si256(p, mask), c1 = _mm256_and_si256(_mm256_srli_epi16(p, 2), mask);
        __m256i c2 = _mm256_and_si256(_mm256_srli_epi16(p, 4), mask), c3 = _mm256_and_si256(_mm256_srli_epi16(p, 6), mask);
        for (int t = 0; t < T; t++) {
            const int8_t *x = q + (int64_t) t * paddedCols + 128 * b;
            __m256i s = _mm256_maddubs_epi16(c0, _mm256_loadu_si256((const __m256i *) x));
            s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c1, _mm256_loadu_si256((const __m256i *) (x + 32))));
            s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c2, _mm256_loadu_si256((const __m256i *) (x + 64))));
            s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c3, _mm256_loadu_si256((const __m256i *) (x + 96))));
            acc[t] = _mm256_add_epi32(acc[t], _mm256_madd_epi16(s, ones));
        }
    }
    for (int t = 0; t < T; t++) sums[t] = hsum256(acc[t]);
}

/* One token against a group of four rows (stored interleaved, see the layout): one stream, shared activations. A
 * second token would need eight more registers than AVX2 has, so multi-token tiles take ternary_row_avx2 (reading a
 * row's blocks 128 bytes apart: prompt tiles -4 % in an interleaved A/B, decode +14 %). Not inlined: inlined into
 * the tiled loop it made GCC spill an accumulator of the 4-token row tile.
 * A block's four vpmaddubsw results lie in [-2048, 2032] per int16 lane, so AVX2_SPAN = 16 blocks add up in int16
 * without overflow ([-32768, 32512]) before one vpmaddwd widens them: one multiply in five saved. */
#define AVX2_SPAN 16
#define AVX2_GROUP_STEP(i, A)                                                                                         \
    do {                                                                                                              \
        __m256i p = _mm256_loadu_si256((const __m256i *) (group + 32 * (4 * b + (i))));                               \
        A = _mm256_add_epi16(A, _mm256_maddubs_epi16(_mm256_and_si256(p, mask), x0));                                 \
        A = _mm256_add_epi16(A, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(p, 2), mask), x1));          \
        A = _mm256_add_epi16(A, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(p, 4), mask), x2));          \
        A = _mm256_add_epi16(A, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(p, 6), mask), x3));          \
    } while (0)
AVX2 static __attribute__((noinline)) void ternary_group_avx2(
        const uint8_t *group, int blocks, const int8_t *x, int32_t *sums) {
    const __m256i mask = _mm256_set1_epi8(3), ones = _mm256_set1_epi16(1);
    __m256i t0 = _mm256_setzero_si256(), t1 = t0, t2 = t0, t3 = t0; /* int32 totals */
    for (int start = 0; start < blocks; start += AVX2_SPAN) {
        int end = blocks - start < AVX2_SPAN ? blocks : start + AVX2_SPAN;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0; /* int16 sums of this span */
        for (int b = start; b < end; b++) {
            const int8_t *xb = x + 128 * b;
            __m256i x0 = _mm256_loadu_si256((const __m256i *) xb), x1 = _mm256_loadu_si256((const __m256i *) (xb + 32));
            __m256i x2 = _mm256_loadu_si256((const __m256i *) (xb + 64)), x3 = _mm256_loadu_si256((const __m256i *) (xb + 96));
            AVX2_GROUP_STEP(0, a0);
            AVX2_GROUP_STEP(1, a1);
            AVX2_GROUP_STEP(2, a2);
            AVX2_GROUP_STEP(3, a3);
        }
        t0 = _mm256_add_epi32(t0, _mm256_madd_epi16(a0, ones));
        t1 = _mm256_add_epi32(t1, _mm256_madd_epi16(a1, ones));
        t2 = _mm256_add_epi32(t2, _mm256_madd_epi16(a2, ones));
        t3 = _mm256_add_epi32(t3, _mm256_madd_epi16(a3, ones));
    }
    sums[0] = hsum256(t0);
    sums[1] = hsum256(t1);
    sums[2] = hsum256(t2);
    sums[3] = hsum256(t3);
}

DEFINE_TERNARY_ROWS(ternary_rows_avx2, AVX2, ternary_row_avx2, ternary_group_avx2, NO_GROUP2, 0, 32, 4)

/* attn_scores_c for bs % 16 == 0: 16 rows (two vectors of 8, F16C) x 4 heads a dimension, eight fma chains in named
 * registers (an array of accumulators made GCC store them to the stack every dimension: 1.6x slower). Both products
 * prefetch the next block as they go: from memory (a decode step deep in the context) the walk otherwise stalls
 * between blocks (2 threads, 30 layers at 2048 positions: 8 of 10 alternating runs faster, by up to 13 %). */
#define ATTN_FMA4(lo, hi, w, A)                                                                                        \
    do {                                                                                                              \
        __m256 w0 = _mm256_broadcast_ss((w)), w1 = _mm256_broadcast_ss((w) + 1);                                      \
        __m256 w2 = _mm256_broadcast_ss((w) + 2), w3 = _mm256_broadcast_ss((w) + 3);                                  \
        A##0 = _mm256_fmadd_ps(lo, w0, A##0); A##1 = _mm256_fmadd_ps(hi, w0, A##1);                                   \
        A##2 = _mm256_fmadd_ps(lo, w1, A##2); A##3 = _mm256_fmadd_ps(hi, w1, A##3);                                   \
        A##4 = _mm256_fmadd_ps(lo, w2, A##4); A##5 = _mm256_fmadd_ps(hi, w2, A##5);                                   \
        A##6 = _mm256_fmadd_ps(lo, w3, A##6); A##7 = _mm256_fmadd_ps(hi, w3, A##7);                                   \
    } while (0)
AVX2 static void attn_scores_avx2(const uint16_t *keys, int bs, int rows, const float *q, int headDim, float scale,
                                  float *scores, int stride) {
    const __m256 s = _mm256_set1_ps(scale);
    const int64_t ahead = (int64_t) bs * headDim; /* one block on: a prefetch never faults, past the run's end too */
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const uint16_t *k = keys + (int64_t) (r0 / bs) * bs * headDim + r0 % bs;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int d = 0; d < headDim; d++, k += bs) {
            _mm_prefetch((const char *) (k + ahead), _MM_HINT_T0); /* this dimension of the next block */
            __m256 lo = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) k));
            __m256 hi = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (k + 8)));
            ATTN_FMA4(lo, hi, q + 4 * d, a);
        }
        __m256 out[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
        int n = rows - r0 < 16 ? rows - r0 : 16;
        for (int j = 0; j < 4; j++) {
            float row[16];
            _mm256_storeu_ps(row, _mm256_mul_ps(out[2 * j], s));
            _mm256_storeu_ps(row + 8, _mm256_mul_ps(out[2 * j + 1], s));
            memcpy(scores + (int64_t) j * stride + r0, row, sizeof(float) * n);
        }
    }
}

/* attn_sums_c for headDim % 16 == 0: 16 dimensions x 4 heads (eight fma chains) over a block's rows. */
AVX2 static void attn_sums_avx2(const uint16_t *values, int bs, int rows, const float *w, int headDim, float *sums) {
    const int64_t ahead = (int64_t) bs * headDim;
    for (int b0 = 0; b0 < rows; b0 += bs) {
        int n = rows - b0 < bs ? rows - b0 : bs;
        for (int i = 0; i < headDim; i += 16) {
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            const uint16_t *v = values + (int64_t) b0 * headDim + i;
            for (int r = b0; r < b0 + n; r++, v += headDim) {
                _mm_prefetch((const char *) (v + ahead), _MM_HINT_T0); /* this row of the next block */
                __m256 lo = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) v));
                __m256 hi = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (v + 8)));
                ATTN_FMA4(lo, hi, w + 4 * r, a);
            }
            __m256 acc[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
            for (int j = 0; j < 4; j++) {
                float *o = sums + j * headDim + i;
                _mm256_storeu_ps(o, _mm256_add_ps(_mm256_loadu_ps(o), acc[2 * j]));
                _mm256_storeu_ps(o + 8, _mm256_add_ps(_mm256_loadu_ps(o + 8), acc[2 * j + 1]));
            }
        }
    }
}

#define V256_TYPE __m256
#define V256_LANES 8
#define V256_ZERO _mm256_setzero_ps
#define V256_LOADU _mm256_loadu_ps
#define V256_FMADD _mm256_fmadd_ps
#define V256_HSUM hsum256f

#define F16_LOAD8(row, c) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) ((row) + (c))))
#define I8_LOAD8(row, c) _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) ((row) + (c)))))
DEFINE_HEAD_SET(avx2, AVX2, V256, F16_LOAD8, I8_LOAD8)

/* ---- AVX-512 VNNI --------------------------------------------------------------------------------------- */

#if defined(BITNET_EMULATE_AVX512)
#define AVX512 AVX2 /* SIMDe's AVX-512 in AVX2 instructions */
#else
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))
#endif

/*
 * Two ways to line the groups up, chosen by the constant `masked`:
 * - shifted: group g is (p >> 2g) & 3, one accumulator pair per token;
 * - masked: group g is masked in place (p & 3 << 2g), so vpdpbusd multiplies 4^g * c; each group has its own
 *   accumulator, divided by 4^g at the end (exactly: every term is a multiple of 4^g). No shifts, so more tokens per
 *   cycle when compute-bound (prefill: +10-20 % measured); slower for one token (decode: -15 % measured, reason not
 *   established), hence only for tiles of 2+ tokens. A lane gains at most 4 * 192 * 128 per block, so int32 holds
 *   rows of up to 5 million columns.
 */
AVX512 static inline __attribute__((always_inline)) void ternary_row_vnni(
        const uint8_t *row, int blockStride, int blocks, const int8_t *q, int paddedCols, int T, int masked, int32_t *sums) {
    const __m512i m0 = _mm512_set1_epi8(0x03), m1 = _mm512_set1_epi8(masked ? 0x0c : 0x03),
                  m2 = _mm512_set1_epi8(masked ? 0x30 : 0x03), m3 = _mm512_set1_epi8((char) (masked ? 0xc0 : 0x03));
    __m512i a0[MAX_TILE], a1[MAX_TILE], a2[MAX_TILE], a3[MAX_TILE];
    for (int t = 0; t < T; t++) a0[t] = a1[t] = a2[t] = a3[t] = _mm512_setzero_si512();
    for (int b = 0; b < blocks; b++) {
        __m512i p = _mm512_loadu_si512(row + (int64_t) blockStride * b);
        __m512i c0 = _mm512_and_si512(p, m0);
        __m512i c1 = _mm512_and_si512(masked ? p : _mm512_srli_epi16(p, 2), m1);
        __m512i c2 = _mm512_and_si512(masked ? p : _mm512_srli_epi16(p, 4), m2);
        __m512i c3 = _mm512_and_si512(masked ? p : _mm512_srli_epi16(p, 6), m3);
        for (int t = 0; t < T; t++) {
            const int8_t *x = q + (int64_t) t * paddedCols + 256 * b;
            a0[t] = _mm512_dpbusd_epi32(a0[t], c0, _mm512_loadu_si512(x));
            if (masked) {
                a1[t] = _mm512_dpbusd_epi32(a1[t], c1, _mm512_loadu_si512(x + 64));
                a2[t] = _mm512_dpbusd_epi32(a2[t], c2, _mm512_loadu_si512(x + 128));
                a3[t] = _mm512_dpbusd_epi32(a3[t], c3, _mm512_loadu_si512(x + 192));
            } else { /* two chains hide vpdpbusd's latency */
                a1[t] = _mm512_dpbusd_epi32(a1[t], c1, _mm512_loadu_si512(x + 64));
                a0[t] = _mm512_dpbusd_epi32(a0[t], c2, _mm512_loadu_si512(x + 128));
                a1[t] = _mm512_dpbusd_epi32(a1[t], c3, _mm512_loadu_si512(x + 192));
            }
        }
    }
    for (int t = 0; t < T; t++) {
        __m512i s = masked ? _mm512_add_epi32(_mm512_add_epi32(a0[t], _mm512_srai_epi32(a1[t], 2)),
                                              _mm512_add_epi32(_mm512_srai_epi32(a2[t], 4), _mm512_srai_epi32(a3[t], 6)))
                           : _mm512_add_epi32(a0[t], a1[t]);
        sums[t] = _mm512_reduce_add_epi32(s);
    }
}

/* One token against a group of four rows (stored interleaved, see the layout): one stream, shared activations. */
#define VNNI_GROUP_STEP(i, A, B)                                                                                      \
    do {                                                                                                              \
        __m512i p = _mm512_loadu_si512(group + 64 * (4 * b + (i)));                                                   \
        A = _mm512_dpbusd_epi32(A, _mm512_and_si512(p, mask), x0);                                                    \
        B = _mm512_dpbusd_epi32(B, _mm512_and_si512(_mm512_srli_epi16(p, 2), mask), x1);                              \
        A = _mm512_dpbusd_epi32(A, _mm512_and_si512(_mm512_srli_epi16(p, 4), mask), x2);                              \
        B = _mm512_dpbusd_epi32(B, _mm512_and_si512(_mm512_srli_epi16(p, 6), mask), x3);                              \
    } while (0)
AVX512 static inline __attribute__((always_inline)) void ternary_group_vnni(
        const uint8_t *group, int blocks, const int8_t *x, int32_t *sums) {
    const __m512i mask = _mm512_set1_epi8(3);
    __m512i a0 = _mm512_setzero_si512(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
    for (int b = 0; b < blocks; b++) {
        const int8_t *xb = x + 256 * b;
        __m512i x0 = _mm512_loadu_si512(xb), x1 = _mm512_loadu_si512(xb + 64);
        __m512i x2 = _mm512_loadu_si512(xb + 128), x3 = _mm512_loadu_si512(xb + 192);
        VNNI_GROUP_STEP(0, a0, b0);
        VNNI_GROUP_STEP(1, a1, b1);
        VNNI_GROUP_STEP(2, a2, b2);
        VNNI_GROUP_STEP(3, a3, b3);
    }
    sums[0] = _mm512_reduce_add_epi32(_mm512_add_epi32(a0, b0));
    sums[1] = _mm512_reduce_add_epi32(_mm512_add_epi32(a1, b1));
    sums[2] = _mm512_reduce_add_epi32(_mm512_add_epi32(a2, b2));
    sums[3] = _mm512_reduce_add_epi32(_mm512_add_epi32(a3, b3));
}

/* Two tokens against a group of four rows: each block of codes is decoded once for both tokens. sums[i] for the
 * first token, sums[4 + i] for the second. */
#define VNNI_GROUP2_STEP(i, A, B)                                                                                     \
    do {                                                                                                              \
        __m512i p = _mm512_loadu_si512(group + 64 * (4 * b + (i)));                                                   \
        __m512i c0 = _mm512_and_si512(p, mask), c1 = _mm512_and_si512(_mm512_srli_epi16(p, 2), mask);                 \
        __m512i c2 = _mm512_and_si512(_mm512_srli_epi16(p, 4), mask), c3 = _mm512_and_si512(_mm512_srli_epi16(p, 6), mask); \
        A = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(A, c0, x0), c1, x1);                                              \
        A = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(A, c2, x2), c3, x3);                                              \
        B = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(B, c0, y0), c1, y1);                                              \
        B = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(B, c2, y2), c3, y3);                                              \
    } while (0)
AVX512 static inline __attribute__((always_inline)) void ternary_group2_vnni(
        const uint8_t *group, int blocks, const int8_t *x, int paddedCols, int32_t *sums) {
    const __m512i mask = _mm512_set1_epi8(3);
    const int8_t *y = x + paddedCols;
    __m512i a0 = _mm512_setzero_si512(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
    for (int b = 0; b < blocks; b++) {
        const int8_t *xb = x + 256 * b, *yb = y + 256 * b;
        __m512i x0 = _mm512_loadu_si512(xb), x1 = _mm512_loadu_si512(xb + 64);
        __m512i x2 = _mm512_loadu_si512(xb + 128), x3 = _mm512_loadu_si512(xb + 192);
        __m512i y0 = _mm512_loadu_si512(yb), y1 = _mm512_loadu_si512(yb + 64);
        __m512i y2 = _mm512_loadu_si512(yb + 128), y3 = _mm512_loadu_si512(yb + 192);
        VNNI_GROUP2_STEP(0, a0, b0);
        VNNI_GROUP2_STEP(1, a1, b1);
        VNNI_GROUP2_STEP(2, a2, b2);
        VNNI_GROUP2_STEP(3, a3, b3);
    }
    sums[0] = _mm512_reduce_add_epi32(a0);
    sums[1] = _mm512_reduce_add_epi32(a1);
    sums[2] = _mm512_reduce_add_epi32(a2);
    sums[3] = _mm512_reduce_add_epi32(a3);
    sums[4] = _mm512_reduce_add_epi32(b0);
    sums[5] = _mm512_reduce_add_epi32(b1);
    sums[6] = _mm512_reduce_add_epi32(b2);
    sums[7] = _mm512_reduce_add_epi32(b3);
}

/* shifted groups for one token, masked ones for tiles of 2+ (see above) */
#define TERNARY_ROW_VNNI(row, stride, blocks, x, paddedCols, T, sums) \
    ternary_row_vnni(row, stride, blocks, x, paddedCols, T, (T) > 1, sums)
DEFINE_TERNARY_ROWS(ternary_rows_vnni, AVX512, TERNARY_ROW_VNNI, ternary_group_vnni, ternary_group2_vnni, 1, 64, 4)

/* The LM head as in the AVX2 set (DEFINE_HEAD_TILE and DEFINE_HEAD_ROWS above), 16 columns a chunk */
#define V512_TYPE __m512
#define V512_LANES 16
#define V512_ZERO _mm512_setzero_ps
#define V512_LOADU _mm512_loadu_ps
#define V512_FMADD _mm512_fmadd_ps
#define V512_HSUM _mm512_reduce_add_ps
#define F16_LOAD16(row, c) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) ((row) + (c))))
#define I8_LOAD16(row, c) _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *) ((row) + (c)))))
DEFINE_HEAD_SET(avx512, AVX512, V512, F16_LOAD16, I8_LOAD16)
#endif

/* ---- ARM NEON with the dot-product extension (ARMv8.2+: Apple M1 and later, Graviton 2 and later) ---------- */

/* Built where the compiler can target sdot in these functions alone: GCC (its arm_neon.h declares the intrinsic
 * for functions that ask for the architecture), or a target that has it anyway (Apple silicon's default); older
 * clangs declare it only for a whole dot-product target, and a -march for the whole file would let the compiler use
 * ARMv8.2 instructions in the plain C code too, which must run on any ARMv8 CPU. Elsewhere isa 3 is plain C. */
#if defined(__aarch64__) && (defined(__ARM_FEATURE_DOTPROD) || !defined(__clang__))
#define BITNET_NEON 1
#include <arm_neon.h>

#if defined(__ARM_FEATURE_DOTPROD)
#define NEON /* the compiler's target has it already */
#else
#define NEON __attribute__((target("arch=armv8.2-a+dotprod"))) /* GCC's arm_neon.h wants the architecture named */
#endif

/*
 * V = 16: a block is 64 columns in 16 bytes, group g = (p >> 2g) & 3, codes c in {0, 1, 2}. sdot multiplies signed
 * bytes four at a time into int32 lanes: c * q with c <= 2 and |q| <= 128 is exact, and so is every sum.
 * Several tokens (T <= MAX_TILE) against one row: each block's codes decoded once for the T tokens.
 */
NEON static inline __attribute__((always_inline)) void ternary_row_neon(
        const uint8_t *row, int blockStride, int blocks, const int8_t *q, int paddedCols, int T, int32_t *sums) {
    const uint8x16_t mask = vdupq_n_u8(3);
    int32x4_t a[MAX_TILE], b[MAX_TILE];
    for (int t = 0; t < T; t++) a[t] = b[t] = vdupq_n_s32(0);
    for (int k = 0; k < blocks; k++) {
        uint8x16_t p = vld1q_u8(row + (int64_t) blockStride * k);
        int8x16_t c0 = vreinterpretq_s8_u8(vandq_u8(p, mask)), c1 = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(p, 2), mask));
        int8x16_t c2 = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(p, 4), mask)), c3 = vreinterpretq_s8_u8(vshrq_n_u8(p, 6));
        for (int t = 0; t < T; t++) {
            const int8_t *x = q + (int64_t) t * paddedCols + 64 * k;
            a[t] = vdotq_s32(a[t], c0, vld1q_s8(x));
            b[t] = vdotq_s32(b[t], c1, vld1q_s8(x + 16));
            a[t] = vdotq_s32(a[t], c2, vld1q_s8(x + 32));
            b[t] = vdotq_s32(b[t], c3, vld1q_s8(x + 48));
        }
    }
    for (int t = 0; t < T; t++) sums[t] = vaddvq_s32(vaddq_s32(a[t], b[t]));
}

/* One token against a group of four rows (stored interleaved, see the layout): one stream, shared activations. */
NEON static inline __attribute__((always_inline)) void ternary_group_neon(
        const uint8_t *group, int blocks, const int8_t *x, int32_t *sums) {
    const uint8x16_t mask = vdupq_n_u8(3);
    int32x4_t a[4], b[4]; /* two chains a row (groups 0, 2 and 1, 3): eight sdot chains hide its latency */
    for (int i = 0; i < 4; i++) a[i] = b[i] = vdupq_n_s32(0);
    for (int k = 0; k < blocks; k++) {
        const int8_t *xb = x + 64 * k;
        int8x16_t x0 = vld1q_s8(xb), x1 = vld1q_s8(xb + 16), x2 = vld1q_s8(xb + 32), x3 = vld1q_s8(xb + 48);
        for (int i = 0; i < 4; i++) {
            uint8x16_t p = vld1q_u8(group + 16 * (4 * k + i));
            a[i] = vdotq_s32(a[i], vreinterpretq_s8_u8(vandq_u8(p, mask)), x0);
            b[i] = vdotq_s32(b[i], vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(p, 2), mask)), x1);
            a[i] = vdotq_s32(a[i], vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(p, 4), mask)), x2);
            b[i] = vdotq_s32(b[i], vreinterpretq_s8_u8(vshrq_n_u8(p, 6)), x3);
        }
    }
    for (int i = 0; i < 4; i++) sums[i] = vaddvq_s32(vaddq_s32(a[i], b[i]));
}

#define TERNARY_ROW_NEON(row, stride, blocks, x, paddedCols, T, sums) ternary_row_neon(row, stride, blocks, x, paddedCols, T, sums)
DEFINE_TERNARY_ROWS(ternary_rows_neon, NEON, TERNARY_ROW_NEON, ternary_group_neon, NO_GROUP2, 0, 16, 4)

/* The LM head as in the x86 sets (DEFINE_HEAD_TILE and DEFINE_HEAD_ROWS above), 4 columns a chunk */
#define V128_TYPE float32x4_t
#define V128_LANES 4
#define V128_ZERO() vdupq_n_f32(0)
#define V128_LOADU vld1q_f32
#define V128_FMADD(w, x, a) vfmaq_f32((a), (w), (x))
#define V128_HSUM vaddvq_f32
#define F16_LOAD4(row, c) vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((row) + (c))))
NEON static inline float32x4_t i8_load4(const int8_t *p) {
    int32_t four;
    memcpy(&four, p, 4); /* exactly the chunk's four bytes: a wider load could cross the matrix's end */
    return vcvtq_f32_s32(vmovl_s16(vget_low_s16(vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(four))))));
}
#define I8_LOAD4(row, c) i8_load4((row) + (c))
DEFINE_HEAD_SET(neon, NEON, V128, F16_LOAD4, I8_LOAD4)

/* attn_scores_c and attn_sums_c for bs % 16 == 0 and headDim % 16 == 0, as the AVX2 ones: 16 rows (or dimensions) x
 * 4 heads in 16 accumulators, each the C code's fma chain in its order (the same bits); the next block prefetched.
 * The accumulators are named (A##0..A##3 of head j in hj0..hj3): in an array GCC kept them on the stack. */
#define F16X4(p) vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)))
#define NEON_FMA4(A, v0, v1, v2, v3, s)                                                                               \
    do {                                                                                                              \
        float32x4_t s_ = (s);                                                                                         \
        A##0 = vfmaq_f32(A##0, v0, s_); A##1 = vfmaq_f32(A##1, v1, s_);                                               \
        A##2 = vfmaq_f32(A##2, v2, s_); A##3 = vfmaq_f32(A##3, v3, s_);                                               \
    } while (0)
#define NEON_ZERO16 float32x4_t h00 = vdupq_n_f32(0), h01 = h00, h02 = h00, h03 = h00, h10 = h00, h11 = h00, h12 = h00, \
        h13 = h00, h20 = h00, h21 = h00, h22 = h00, h23 = h00, h30 = h00, h31 = h00, h32 = h00, h33 = h00
NEON static void attn_scores_neon(const uint16_t *keys, int bs, int rows, const float *q, int headDim, float scale,
                                  float *scores, int stride) {
    const int64_t ahead = (int64_t) bs * headDim;
    const float32x4_t sc = vdupq_n_f32(scale);
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const uint16_t *k = keys + (int64_t) (r0 / bs) * bs * headDim + r0 % bs;
        NEON_ZERO16;
        for (int d = 0; d < headDim; d++, k += bs) {
            __builtin_prefetch(k + ahead, 0, 3);
            float32x4_t k0 = F16X4(k), k1 = F16X4(k + 4), k2 = F16X4(k + 8), k3 = F16X4(k + 12);
            NEON_FMA4(h0, k0, k1, k2, k3, vdupq_n_f32(q[4 * d]));
            NEON_FMA4(h1, k0, k1, k2, k3, vdupq_n_f32(q[4 * d + 1]));
            NEON_FMA4(h2, k0, k1, k2, k3, vdupq_n_f32(q[4 * d + 2]));
            NEON_FMA4(h3, k0, k1, k2, k3, vdupq_n_f32(q[4 * d + 3]));
        }
        float32x4_t out[16] = {h00, h01, h02, h03, h10, h11, h12, h13, h20, h21, h22, h23, h30, h31, h32, h33};
        int n = rows - r0 < 16 ? rows - r0 : 16;
        for (int j = 0; j < 4; j++) {
            float row[16];
            for (int i = 0; i < 4; i++) vst1q_f32(row + 4 * i, vmulq_f32(out[4 * j + i], sc));
            memcpy(scores + (int64_t) j * stride + r0, row, sizeof(float) * n);
        }
    }
}

NEON static void attn_sums_neon(const uint16_t *values, int bs, int rows, const float *w, int headDim, float *sums) {
    const int64_t ahead = (int64_t) bs * headDim;
    for (int b0 = 0; b0 < rows; b0 += bs) {
        int n = rows - b0 < bs ? rows - b0 : bs;
        for (int i = 0; i < headDim; i += 16) {
            NEON_ZERO16;
            const uint16_t *v = values + (int64_t) b0 * headDim + i;
            for (int r = b0; r < b0 + n; r++, v += headDim) {
                __builtin_prefetch(v + ahead, 0, 3);
                float32x4_t v0 = F16X4(v), v1 = F16X4(v + 4), v2 = F16X4(v + 8), v3 = F16X4(v + 12);
                NEON_FMA4(h0, v0, v1, v2, v3, vdupq_n_f32(w[4 * r]));
                NEON_FMA4(h1, v0, v1, v2, v3, vdupq_n_f32(w[4 * r + 1]));
                NEON_FMA4(h2, v0, v1, v2, v3, vdupq_n_f32(w[4 * r + 2]));
                NEON_FMA4(h3, v0, v1, v2, v3, vdupq_n_f32(w[4 * r + 3]));
            }
            float32x4_t acc[16] = {h00, h01, h02, h03, h10, h11, h12, h13, h20, h21, h22, h23, h30, h31, h32, h33};
            for (int j = 0; j < 4; j++)
                for (int m = 0; m < 4; m++) {
                    float *o = sums + j * headDim + i + 4 * m;
                    vst1q_f32(o, vaddq_f32(vld1q_f32(o), acc[4 * j + m]));
                }
        }
    }
}
#endif

/* ---- dispatch and the exported API ---------------------------------------------------------------------- */
/* Every entry takes the kernel set ("isa") to use: 0 AVX-512 VNNI, 1 AVX2, 2 plain C, 3 NEON dot product. The
 * packed layout depends on it (V), so a caller packs and multiplies with the same one; there is no global state. */

typedef void (*ternary_fn)(const uint8_t *, int, int, int, const int8_t *, int, const int32_t *, const float *, float,
                           float *, int);
typedef void (*f16_fn)(const uint16_t *, int, int, int, const float *, int, float *, int);
typedef void (*i8_fn)(const int8_t *, const float *, int, int, int, const float *, int, float *, int);

struct kernel_set {
    const char *name;
    int vectorBytes;
    int rowsPerGroup;
    ternary_fn ternary;
    f16_fn f16;
    i8_fn i8;
};

static const struct kernel_set SETS[] = {
#if defined(__x86_64__)
    {"avx512-vnni", 64, 4, ternary_rows_vnni, f16_rows_avx512, i8_rows_avx512},
    {"avx2", 32, 4, ternary_rows_avx2, f16_rows_avx2, i8_rows_avx2},
#else
    {"c", 32, 1, ternary_rows_c, f16_rows_c, i8_rows_c},
    {"c", 32, 1, ternary_rows_c, f16_rows_c, i8_rows_c},
#endif
    {"c", 32, 1, ternary_rows_c, f16_rows_c, i8_rows_c},
#if defined(BITNET_NEON)
    {"neon-dotprod", 16, 4, ternary_rows_neon, f16_rows_neon, i8_rows_neon},
#else
    {"c", 32, 1, ternary_rows_c, f16_rows_c, i8_rows_c},
#endif
};

#if defined(BITNET_NEON)
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
static int neon_dotprod(void) {
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
}
#elif defined(__APPLE__)
static int neon_dotprod(void) {
    return 1; /* every Apple silicon CPU has it */
}
#else
static int neon_dotprod(void) {
    return 0;
}
#endif
#endif

#if defined(__x86_64__)
#include <cpuid.h>
/* F16C from CPUID leaf 1 (ECX bit 29): clang's __builtin_cpu_supports does not know "f16c" */
static int cpu_has_f16c(void) {
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
}
#endif

/* 1 if this CPU can run kernel set isa. */
int bitnet_cpu_supports(int isa) {
    if (isa == 2) return 1;
    if (isa < 0 || isa > 3) return 0;
#if defined(BITNET_NEON)
    return isa == 3 && neon_dotprod();
#elif defined(__x86_64__)
    if (isa == 3) return 0;
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
    if (isa == 1) return avx2;
#if defined(BITNET_EMULATE_AVX512)
    return avx2;
#endif
    return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

const char *bitnet_cpu_isa_name(int isa) {
    return SETS[isa].name;
}

/* Columns per block of the packed layout (4V): rows are padded to a multiple of it. */
int bitnet_cpu_block_cols(int isa) {
    return 4 * SETS[isa].vectorBytes;
}

/* Bytes the packed form of rows x paddedCols takes (the row count rounded up to the set's row group). */
int64_t bitnet_cpu_packed_bytes(int isa, int rows, int paddedCols) {
    const int R = SETS[isa].rowsPerGroup;
    return (int64_t) ((rows + R - 1) / R * R) * (paddedCols / 4);
}

/* Packs rows [from, to) of row-major trits (-1, 0, 1), cols wide, into the layout above. out holds
 * bitnet_cpu_packed_bytes for all rows and must be zeroed; the bytes of other rows are not touched (each byte belongs
 * to one row), so disjoint row ranges may be packed at the same time. */
void bitnet_cpu_pack(int isa, const int8_t *trits, int cols, int paddedCols, int from, int to, uint8_t *out) {
    const int V = SETS[isa].vectorBytes, R = SETS[isa].rowsPerGroup, blocks = paddedCols / (4 * V);
    for (int r = from; r < to; r++) {
        const int8_t *src = trits + (int64_t) r * cols;
        uint8_t *dst = out + (int64_t) V * ((int64_t) (r / R) * blocks * R + r % R);
        for (int c0 = 0; c0 < cols; c0 += V) { /* V columns: group g of block b */
            int b = c0 / (4 * V), g = c0 / V % 4, n = cols - c0 < V ? cols - c0 : V;
            for (int j = 0; j < n; j++) dst[(int64_t) b * V * R + j] |= (uint8_t) ((src[c0 + j] + 1) << (2 * g));
        }
    }
}

/*
 * out[t * outStride + r] = (sum_c t[r][c] * q[t][c]) * wScale / qScale[t] for rows [from, to) and tokens
 * [0, tokens); q holds tokens rows of paddedCols int8 (zero past cols), qSum[t] = sum_c q[t][c].
 */
void bitnet_cpu_ternary_rows(int isa, const uint8_t *w, int paddedCols, int from, int to, const int8_t *q, int tokens,
                             const int32_t *qSum, const float *qScale, float wScale, float *out, int outStride) {
    SETS[isa].ternary(w, paddedCols, from, to, q, tokens, qSum, qScale, wScale, out, outStride);
}

/* out[k * outStride + r] = sum_c half(e[r][c]) * x[k][c] for rows [from, to) and k in [0, n). */
void bitnet_cpu_f16_rows(int isa, const uint16_t *e, int cols, int from, int to, const float *x, int n, float *out,
                         int outStride) {
    SETS[isa].f16(e, cols, from, to, x, n, out, outStride);
}

/* out[k * outStride + r] = scales[r] * sum_c m[r][c] * x[k][c] for rows [from, to) and k in [0, n). */
void bitnet_cpu_i8_rows(int isa, const int8_t *m, const float *scales, int cols, int from, int to, const float *x,
                        int n, float *out, int outStride) {
    SETS[isa].i8(m, scales, cols, from, to, x, n, out, outStride);
}

/*
 * Attention over an f16 KV cache (layout above attn_scores_c): scores[j * stride + r] = scale * sum_d key[r][d] * q[4d
 * + j] for the rows [0, rows) of a run of blocks of bs positions, and sums[j * headDim + d] += sum_r w[4r + j] *
 * value[r][d]. The AVX-512 set uses the AVX2 code (its cost is the f16 conversion and the fmas, not the width), the
 * NEON set its own. The vector code needs bs % 16 == 0 and headDim % 16 == 0 (bitnet_cpu_attn_supports says whether it runs); otherwise
 * these run in plain C, much slower than the Java backend's Vector API kernel, which callers use instead.
 */
int bitnet_cpu_attn_supports(int isa, int bs, int headDim) {
#if defined(__x86_64__)
    return (isa == 0 || isa == 1) && bs % 16 == 0 && headDim % 16 == 0;
#elif defined(BITNET_NEON)
    return isa == 3 && bs % 16 == 0 && headDim % 16 == 0;
#else
    return 0;
#endif
}

void bitnet_cpu_attn_scores(int isa, const uint16_t *keys, int bs, int rows, const float *q, int headDim, float scale,
                            float *scores, int stride) {
#if defined(__x86_64__)
    if (bitnet_cpu_attn_supports(isa, bs, headDim)) {
        attn_scores_avx2(keys, bs, rows, q, headDim, scale, scores, stride);
        return;
    }
#elif defined(BITNET_NEON)
    if (bitnet_cpu_attn_supports(isa, bs, headDim)) {
        attn_scores_neon(keys, bs, rows, q, headDim, scale, scores, stride);
        return;
    }
#endif
    attn_scores_c(keys, bs, rows, q, headDim, scale, scores, stride);
}

void bitnet_cpu_attn_sums(int isa, const uint16_t *values, int bs, int rows, const float *w, int headDim, float *sums) {
#if defined(__x86_64__)
    if (bitnet_cpu_attn_supports(isa, bs, headDim)) {
        attn_sums_avx2(values, bs, rows, w, headDim, sums);
        return;
    }
#elif defined(BITNET_NEON)
    if (bitnet_cpu_attn_supports(isa, bs, headDim)) {
        attn_sums_neon(values, bs, rows, w, headDim, sums);
        return;
    }
#endif
    attn_sums_c(values, bs, rows, w, headDim, sums);
}
