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
