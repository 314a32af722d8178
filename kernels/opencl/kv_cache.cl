// Paged KV cache kernels (OpenCL C 1.2), built once per cache element type with -DKV_HALF=1 (f16, stored with
// vstore_half: round to nearest even, as Java's Float.floatToFloat16) or -DKV_HALF=0 (f32).
//
// Cache layout: one buffer for keys and one for values, [layer][slot][kvDim]; slot s is row s % blockSize of block
// s / blockSize. A sequence's block table row lists its blocks in position order (blockTables[seq][p / blockSize]).

// REDUCE and ADD come from common.cl.

#if KV_HALF
typedef half kv_t;
#define KV_LOAD(p, i) vload_half(i, p)
#define KV_STORE(x, p, i) vstore_half(x, i, p)
#else
typedef float kv_t;
#define KV_LOAD(p, i) (p)[i]
#define KV_STORE(x, p, i) ((p)[i] = (x))
#endif

// Stores token i's key and value rows at cache slot slots[i] of the layer starting at layerBase. Global size:
// tokens * kvDim.
kernel void store_kv(global const float* k, global const float* v, global const int* slots, int kvDim,
                     global kv_t* keys, global kv_t* values, ulong layerBase) {
    size_t g = get_global_id(0);
    int i = g / kvDim, j = g % kvDim;
    size_t at = layerBase + (size_t) slots[i] * kvDim + j;
    KV_STORE(k[g], keys, at);
    KV_STORE(v[g], values, at);
}

inline int slot_of(global const int* blockTables, int maxBlocks, int blockSize, int seq, int p) {
    return blockTables[seq * maxBlocks + p / blockSize] * blockSize + p % blockSize;
}

// Causal attention of one (token, query head) per work-group over positions 0..positions[i] of the token's sequence:
// scores in `scores` (scoreStride floats per work-group), softmax, then the weighted sum of values. Query head h
// reads kv head h / group. Sums over a head's dimensions run in order, as in the reference backend.
kernel void attention(global const float* q, int qCols, global const kv_t* keys, global const kv_t* values,
                      ulong layerBase, int kvDim, global const int* positions, global const int* seqIndex,
                      global const int* blockTables, int maxBlocks, int blockSize, int heads, int headDim, int group,
                      float scale, global float* scores, int scoreStride, global float* out, local float* red) {
    int wg = get_group_id(0), lid = get_local_id(0), lsz = get_local_size(0);
    int i = wg / heads, h = wg % heads;
    int len = positions[i] + 1, seq = seqIndex[i];
    global const float* qh = q + (size_t) i * qCols + h * headDim;
    size_t kvOff = layerBase + (size_t) (h / group) * headDim;
    global float* s = scores + (size_t) wg * scoreStride;

    float m = -INFINITY;
    for (int p = lid; p < len; p += lsz) {
        size_t base = kvOff + (size_t) slot_of(blockTables, maxBlocks, blockSize, seq, p) * kvDim;
        float dot = 0.0f;
        for (int j = 0; j < headDim; j++) dot += qh[j] * KV_LOAD(keys, base + j);
        s[p] = dot * scale;
        m = fmax(m, s[p]);
    }
    red[lid] = m;
    REDUCE(red, fmax)
    m = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);   // everyone has read the maximum before red is reused

    float sum = 0.0f;
    for (int p = lid; p < len; p += lsz) {
        float e = exp(s[p] - m);
        s[p] = e;
        sum += e;
    }
    red[lid] = sum;
    REDUCE(red, ADD)
    barrier(CLK_GLOBAL_MEM_FENCE);  // every s[p] written above is visible to the whole group
    sum = red[0];

    global float* o = out + (size_t) i * heads * headDim + h * headDim;
    for (int j = lid; j < headDim; j += lsz) {
        float acc = 0.0f;
        for (int p = 0; p < len; p++) {
            size_t base = kvOff + (size_t) slot_of(blockTables, maxBlocks, blockSize, seq, p) * kvDim;
            acc += s[p] / sum * KV_LOAD(values, base + j);
        }
        o[j] = acc;
    }
}
