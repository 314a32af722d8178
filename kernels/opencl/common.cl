// Shared by every OpenCL program of the backend; the host prepends this file to each kernel source.

#pragma OPENCL FP_CONTRACT OFF   // a*b+c stays two roundings, as in Java

// Tree reduction of a local buffer of get_local_size(0) (a power of two, chosen so by the host) values with the
// binary operation OP; every work-item of the group must reach it. Result in buf[0], visible to the whole group.
#define REDUCE(buf, OP)                                                                              \
    for (int stride_ = get_local_size(0) / 2; stride_ > 0; stride_ >>= 1) {                         \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                \
        if (get_local_id(0) < stride_) buf[get_local_id(0)] = OP(buf[get_local_id(0)], buf[get_local_id(0) + stride_]); \
    }                                                                                                \
    barrier(CLK_LOCAL_MEM_FENCE);

#define ADD(a, b) ((a) + (b))

// Rows shared by ROW_THREADS neighbouring work-items (-DROW_THREADS=n, a power of two set by the host: a GPU's
// warp-sized share so a row's words are read coalesced, 1 on CPU devices where a work-item takes a whole row and no
// reduction is needed). ROW_SUM_T(v) sums v over the work-items sharing a row and gives every one of them the
// total; all work-items of the group must call it (it holds barriers unless ROW_THREADS is 1).
#define ROW_SUM_DEFINE(T)                                                                            \
    inline T row_sum_##T(T v, local T* red) {                                                        \
        if (ROW_THREADS == 1) return v;                                                              \
        int lid = get_local_id(0), sub = lid % ROW_THREADS;                                          \
        red[lid] = v;                                                                                \
        for (int s = ROW_THREADS / 2; s > 0; s >>= 1) {                                              \
            barrier(CLK_LOCAL_MEM_FENCE);                                                            \
            if (sub < s) red[lid] += red[lid + s];                                                   \
        }                                                                                            \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                \
        T total = red[lid - sub];                                                                    \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                \
        return total;                                                                                \
    }
ROW_SUM_DEFINE(int)
ROW_SUM_DEFINE(float)

// The row this work-item works on, and its share of the row: [first, ..., < end) stepping ROW_THREADS.
#define ROW_OF_WORK_ITEM() (get_group_id(0) * (get_local_size(0) / ROW_THREADS) + get_local_id(0) / ROW_THREADS)
#define SHARE_OF_ROW() (get_local_id(0) % ROW_THREADS)
