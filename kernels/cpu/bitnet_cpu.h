/*
 * libbitnet_cpu's exported functions, the ones Java binds through FFM (dev.bitnet.backend.cpu.LibBitnetCpu) and the
 * C tools (kernel_check.c, kernel_speed.c) call. Each is documented at its definition in bitnet_cpu.c, with the packed
 * ternary layout at the top of that file. isa names a kernel set: 0 AVX-512 VNNI, 1 AVX2, 2 plain C, 3 NEON dot product.
 */
#ifndef BITNET_CPU_H
#define BITNET_CPU_H
#include <stdint.h>

int bitnet_cpu_supports(int isa);
const char *bitnet_cpu_isa_name(int isa);
int bitnet_cpu_block_cols(int isa);
int64_t bitnet_cpu_packed_bytes(int isa, int rows, int paddedCols);
void bitnet_cpu_pack(int isa, const int8_t *trits, int cols, int paddedCols, int from, int to, uint8_t *out);
void bitnet_cpu_ternary_rows(int isa, const uint8_t *w, int paddedCols, int from, int to, const int8_t *q, int tokens,
                             const int32_t *qSum, const float *qScale, float wScale, float *out, int outStride);
void bitnet_cpu_f16_rows(int isa, const uint16_t *e, int cols, int from, int to, const float *x, int n, float *out,
                         int outStride);
void bitnet_cpu_i8_rows(int isa, const int8_t *m, const float *scales, int cols, int from, int to, const float *x,
                        int n, float *out, int outStride);
int bitnet_cpu_attn_supports(int isa, int bs, int headDim);
void bitnet_cpu_attn_scores(int isa, const uint16_t *keys, int bs, int rows, const float *q, int headDim, float scale,
                            float *scores, int stride);
void bitnet_cpu_attn_sums(int isa, const uint16_t *values, int bs, int rows, const float *w, int headDim, float *sums);

#endif
