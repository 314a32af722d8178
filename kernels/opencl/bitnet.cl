// BitNet b1.58 forward-pass kernels (OpenCL C 1.2) for dev.bitnet.backend.opencl.OpenClBackend.
//
// Numerics follow the reference backend (docs/bitnet-facts.md): activations are f32 matrices [tokens][cols];
// BitLinear quantises each token row to int8 with s = 127 / max(max|x|, 1e-5) and sums trit * q exactly in int32.
//
// Reductions: every kernel that reduces runs one work-group per output row with a power-of-two local size chosen
// on the host from the device's limits (CL_KERNEL_WORK_GROUP_SIZE), and reduces in local memory (REDUCE).
//
// Build options set by the host: -DTOKEN_TILE=n (tokens sharing one decoded weight word in ternary_matmul),
// -DROW_THREADS=n (work-items sharing one weight row, see common.cl).

// REDUCE and ADD come from common.cl.

// out[i][c] = embedding[tokens[i]][c], f16 widened. Global size: tokens * cols.
kernel void embed(global const half* embedding, global const int* tokens, int cols, global float* out) {
    size_t g = get_global_id(0);
    int i = g / cols, c = g % cols;
    out[g] = vload_half((size_t) tokens[i] * cols + c, embedding);
}

// out[i] = x[i] / sqrt(mean(x[i]^2) + eps) * w. One work-group per token row; out may be x.
kernel void rms_norm(global const float* x, global const float* w, float eps, int cols, global float* out,
                     local float* red) {
    int i = get_group_id(0), lid = get_local_id(0), lsz = get_local_size(0);
    global const float* xr = x + (size_t) i * cols;
    float ss = 0.0f;
    for (int c = lid; c < cols; c += lsz) ss += xr[c] * xr[c];
    red[lid] = ss;
    REDUCE(red, ADD)
    float inv = 1.0f / sqrt(red[0] / cols + eps);
    global float* o = out + (size_t) i * cols;
    for (int c = lid; c < cols; c += lsz) o[c] = xr[c] * inv * w[c];
}

// BitNet's per-token activation quantisation: q[i][c] = clamp(rint(x[i][c] * s), -128, 127), s = 127 / max(amax,
// 1e-5), scale[i] = s. q rows are qStride bytes, zero past cols. One work-group per token row.
kernel void quantize(global const float* x, int cols, global char* q, int qStride, global float* scale,
                     local float* red) {
    int i = get_group_id(0), lid = get_local_id(0), lsz = get_local_size(0);
    global const float* xr = x + (size_t) i * cols;
    float amax = 0.0f;
    for (int c = lid; c < cols; c += lsz) amax = fmax(amax, fabs(xr[c]));
    red[lid] = amax;
    REDUCE(red, fmax)
    float s = 127.0f / fmax(red[0], 1e-5f);
    global char* qr = q + (size_t) i * qStride;
    for (int c = lid; c < qStride; c += lsz) qr[c] = c < cols ? (char) clamp(rint(xr[c] * s), -128.0f, 127.0f) : 0;
    if (lid == 0) scale[i] = s;
}

// Ternary weights x int8 activations, exact int32 sums.
//
// Weight layout: row-major 32-bit words, wordsPerRow = ceil(cols / 16) per row; bits 2k..2k+1 of word j hold the
// code (trit + 1) of column 16j + k; columns past cols hold code 1 (trit 0). Neighbouring work-items read
// neighbouring words (coalesced) and the matching 16 int8 activations (vload16).

// sum over k of trit_k * x_k for one word: 16 products of magnitude <= 128, so even 16-bit sums are exact.
inline int word_dot(uint bits, char16 x) {
    uchar4 b = (uchar4)((uchar) bits, (uchar) (bits >> 8), (uchar) (bits >> 16), (uchar) (bits >> 24));
    uchar16 spread = (uchar16)(b.s0, b.s0, b.s0, b.s0, b.s1, b.s1, b.s1, b.s1,
                               b.s2, b.s2, b.s2, b.s2, b.s3, b.s3, b.s3, b.s3);
    const uchar16 shifts = (uchar16)(0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6);
    char16 t = as_char16((spread >> shifts) & (uchar16) 3) - (char16) 1;
#ifdef __opencl_c_integer_dot_product_input_4x8bit
    // the device's 4 x int8 dot product instruction (cl_khr_integer_dot_product)
    return dot(t.s0123, x.s0123) + dot(t.s4567, x.s4567) + dot(t.s89ab, x.s89ab) + dot(t.scdef, x.scdef);
#else
    short16 p = convert_short16(t) * convert_short16(x);
    short8 s8 = p.lo + p.hi;
    short4 s4 = s8.lo + s8.hi;
    return (int) s4.x + s4.y + s4.z + s4.w;
#endif
}

// Rows are split over work-items as common.cl's ROW_THREADS says; tokens go in tiles of TOKEN_TILE, so each weight
// word is read once per tile. out[t][row] = sum * wScale / scale[t], out rows `rows` floats apart.
kernel void ternary_matmul(global const uint* w, int rows, int wordsPerRow, float wScale,
                           global const char* q, int qStride, global const float* scale, int tokens,
                           global float* out, local int* red) {
    int row = ROW_OF_WORK_ITEM(), share = SHARE_OF_ROW();
    bool live = row < rows;   // work-items past the last row still take part in the reductions' barriers
    global const uint* wr = w + (size_t) (live ? row : 0) * wordsPerRow;
    for (int t0 = 0; t0 < tokens; t0 += TOKEN_TILE) {
        int n = min(TOKEN_TILE, tokens - t0);
        int acc[TOKEN_TILE];
        for (int k = 0; k < TOKEN_TILE; k++) acc[k] = 0;
        for (int j = live ? share : wordsPerRow; j < wordsPerRow; j += ROW_THREADS) {
            uint bits = wr[j];
            for (int k = 0; k < n; k++) acc[k] += word_dot(bits, vload16(j, q + (size_t) (t0 + k) * qStride));
        }
        for (int k = 0; k < n; k++) {
            int sum = row_sum_int(acc[k], red);
            if (live && share == 0) out[(size_t) (t0 + k) * rows + row] = (float) sum * wScale / scale[t0 + k];
        }
    }
}

// RoPE (rotate-half pairs (j, j + headDim/2) in each head) with host-computed cos/sin tables [position][headDim/2].
// Global size: tokens * heads * headDim/2.
kernel void rope(global float* x, int cols, int heads, int headDim, global const int* positions,
                 global const float* cosTable, global const float* sinTable) {
    int half_ = headDim / 2;
    size_t g = get_global_id(0);
    int j = g % half_, h = (g / half_) % heads, i = g / ((size_t) half_ * heads);
    size_t a = (size_t) positions[i] * half_ + j;
    global float* v = x + (size_t) i * cols + h * headDim;
    float x0 = v[j], x1 = v[j + half_], c = cosTable[a], s = sinTable[a];
    v[j] = x0 * c - x1 * s;
    v[j + half_] = x0 * s + x1 * c;
}

// out = act(gate) * up with act 0 = squared ReLU, 1 = SiLU; out may be gate. Global size: elements.
kernel void gated_activation(global const float* gate, global const float* up, int act, global float* out) {
    size_t g = get_global_id(0);
    float x = gate[g];
    float a = act == 0 ? (x > 0.0f ? x * x : 0.0f) : x / (1.0f + exp(-x));
    out[g] = a * up[g];
}

// x += y. Global size: elements.
kernel void add(global float* x, global const float* y) {
    size_t g = get_global_id(0);
    x[g] += y[g];
}

// Logits: out[k][v] = dot(x[xRows[k]], head[v]) (* rowScale[v] for an int8 head), vocabulary rows split over
// work-items as common.cl's ROW_THREADS says, looping over the logit rows so a weight row is read from memory once.
// Each work-item reads 8 consecutive values at a time (LOAD8), the last cols % 8 one by one (LOAD1). HEAD_T is half
// (f16 head, rowScale unused) or char (int8 head with per-row scales).
#define LM_HEAD_KERNEL(NAME, HEAD_T, LOAD8, LOAD1, ROW_SCALE)                                            \
kernel void NAME(global const HEAD_T* head, global const float* rowScale, int cols, int vocab,           \
                 global const float* x, global const int* xRows, int nRows, global float* out,           \
                 local float* red) {                                                                     \
    int v = ROW_OF_WORK_ITEM(), share = SHARE_OF_ROW();                                                  \
    bool live = v < vocab;                                                                               \
    global const HEAD_T* hr = head + (size_t) (live ? v : 0) * cols;                                     \
    int blocks = live ? cols / 8 : 0;                                                                    \
    for (int k = 0; k < nRows; k++) {                                                                    \
        global const float* xr = x + (size_t) xRows[k] * cols;                                           \
        float8 acc = 0.0f;                                                                               \
        for (int b = share; b < blocks; b += ROW_THREADS) acc += vload8(b, xr) * LOAD8(hr, b);           \
        float4 a4 = acc.lo + acc.hi;                                                                     \
        float dot = (a4.x + a4.y) + (a4.z + a4.w);                                                       \
        for (int c = 8 * blocks + share; live && c < cols; c += ROW_THREADS) dot += xr[c] * LOAD1(hr, c); \
        dot = row_sum_float(dot, red);                                                                   \
        if (live && share == 0) out[(size_t) k * vocab + v] = dot * ROW_SCALE;                           \
    }                                                                                                    \
}
#define HALF8(p, b) vload_half8(b, p)
#define HALF1(p, c) vload_half(c, p)
#define CHAR8(p, b) convert_float8(vload8(b, p))
#define CHAR1(p, c) ((float) (p)[c])
LM_HEAD_KERNEL(lm_head_f16, half, HALF8, HALF1, 1.0f)
LM_HEAD_KERNEL(lm_head_i8, char, CHAR8, CHAR1, rowScale[v])

// Greedy decoding on the device: ids[k] = the first index of the largest of logits[k][0..vocab). One work-group per
// logit row.
kernel void argmax(global const float* logits, int vocab, global int* ids, local float* best, local int* bestAt) {
    int k = get_group_id(0), lid = get_local_id(0), lsz = get_local_size(0);
    global const float* l = logits + (size_t) k * vocab;
    float m = -INFINITY;
    int at = vocab;
    for (int v = lid; v < vocab; v += lsz) {
        if (l[v] > m) { m = l[v]; at = v; }   // strided: the first maximum of this work-item's share
    }
    best[lid] = m;
    bestAt[lid] = at;
    for (int stride = lsz / 2; stride > 0; stride >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < stride) {
            float o = best[lid + stride];
            int oa = bestAt[lid + stride];
            if (o > best[lid] || (o == best[lid] && oa < bestAt[lid])) { best[lid] = o; bestAt[lid] = oa; }
        }
    }
    if (lid == 0) ids[k] = bestAt[0];
}
