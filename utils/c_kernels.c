/* The two loops of utils.fast_max_pool2d that torch's elementwise operations cannot express:
 * utils/c_kernels.py compiles this file with the system's C compiler on first use and calls it on
 * float32 (N*C, H, W) planes.
 *
 * Geometry, as in torch: output (i, j) of a plane reads the cells (i*sh - ph + a*dh, j*sw - pw + b*dw)
 * for a < kh, b < kw; cells outside the plane are padding and never win. A NaN wins its window. */

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The geometry g[] that every function takes, in the order utils/c_kernels.py writes it. */
enum { H, W, OUT_H, OUT_W, KH, KW, SH, SW, PH, PW, DH, DW };

/* The running maximum with torch's NaN rule: a NaN, once met, stays. Written as a select, not an if,
 * so the compiler turns it into branch-free (and, over a row, vector) instructions. */
static inline float nan_max(float best, float value) {
    return ((best > value) | (best != best)) ? best : value;
}

/* Taps [*lo, *hi) of a window starting at cell `start` (k taps, `d` apart) that lie in [0, n). */
static void real_taps(int64_t start, int64_t k, int64_t d, int64_t n, int64_t *lo, int64_t *hi) {
    *lo = start < 0 ? (-start + d - 1) / d : 0;
    *hi = start >= n ? 0 : (n - 1 - start) / d + 1;
    if (*hi > k) *hi = k;
}

/* The outputs j in [*lo, *hi) all of whose column taps are real: their loop needs no checks. */
static void inner_outputs(const int64_t *g, int64_t *lo, int64_t *hi) {
    int64_t last = g[W] - 1 + g[PW] - (g[KW] - 1) * g[DW];  /* the last output's first cell, shifted by pw */
    *lo = (g[PW] + g[SW] - 1) / g[SW];
    *hi = last < 0 ? 0 : last / g[SW] + 1;
    if (*hi > g[OUT_W]) *hi = g[OUT_W];
    if (*hi < *lo) *hi = *lo;
}

/* The rows pass for output row i: the maximum of each column over the window's rows, into `row`, and
 * (when `row_at` is not NULL) the row it came from, by torch's rule in row order: a cell replaces the
 * running maximum if it is larger or NaN. Whole rows at a time: the compiler vectorises these loops.
 * Returns the number of real rows in the window. */
static int64_t rows_pass(const float *plane, float *row, int32_t *row_at, int64_t i, const int64_t *g) {
    int64_t start = i * g[SH] - g[PH], a_lo, a_hi;
    real_taps(start, g[KH], g[DH], g[H], &a_lo, &a_hi);
    if (a_lo >= a_hi) return 0;
    int64_t r = start + a_lo * g[DH];
    memcpy(row, plane + r * g[W], g[W] * sizeof(float));
    if (row_at != NULL)
        for (int64_t c = 0; c < g[W]; c++) row_at[c] = (int32_t) r;
    for (int64_t a = a_lo + 1; a < a_hi; a++) {
        r = start + a * g[DH];
        const float *cells = plane + r * g[W];
        if (row_at == NULL) {
            for (int64_t c = 0; c < g[W]; c++) row[c] = nan_max(row[c], cells[c]);
            continue;
        }
        for (int64_t c = 0; c < g[W]; c++) {
            int take = (cells[c] > row[c]) | (cells[c] != cells[c]);
            row[c] = take ? cells[c] : row[c];
            row_at[c] = take ? (int32_t) r : row_at[c];
        }
    }
    return a_hi - a_lo;
}

/* The outputs in [j_lo, j_hi), whose taps are all real. Inlined with a constant stride, the loads of
 * every `stride`-th cell become a few vector loads and shuffles instead of one load per cell. */
static inline __attribute__((always_inline)) void columns_inside(const float *row, float *out, int64_t stride,
                                                                const int64_t *g, int64_t j_lo, int64_t j_hi) {
    const float *cells = row - g[PW];
    for (int64_t j = j_lo; j < j_hi; j++) out[j] = cells[j * stride];
    for (int64_t b = 1; b < g[KW]; b++) {
        cells = row + b * g[DW] - g[PW];
        for (int64_t j = j_lo; j < j_hi; j++) out[j] = nan_max(out[j], cells[j * stride]);
    }
}

/* The columns pass, values only: each output of the row takes the maximum of its window's columns. */
static void columns_pass(const float *row, float *out, const int64_t *g, int64_t j_lo, int64_t j_hi) {
    if (g[SW] == 2)  /* the common case of downsampling */
        columns_inside(row, out, 2, g, j_lo, j_hi);
    else
        columns_inside(row, out, g[SW], g, j_lo, j_hi);
    for (int64_t j = 0; j < g[OUT_W]; j++) {  /* the outputs near the borders */
        if (j == j_lo) j = j_hi;
        if (j >= g[OUT_W]) break;
        int64_t first = j * g[SW] - g[PW], b_lo, b_hi;
        real_taps(first, g[KW], g[DW], g[W], &b_lo, &b_hi);
        float best = -INFINITY;
        for (int64_t b = b_lo; b < b_hi; b++) best = nan_max(best, row[first + b * g[DW]]);
        out[j] = best;
    }
}

/* The columns pass with indices. Torch's kernel scans a window row by row and keeps the first cell
 * larger than all before it, or the last NaN: the first cell, in row-major order, that equals the
 * window's maximum, or the last NaN. Of the columns, the one whose candidate comes first (or, for
 * NaN, last) in row-major order holds it: offset r*W + c orders cells row-major. The value is read
 * back from that cell, so that a tie of -0 and +0 reports the sign torch reports. A window with no
 * real cell reports -inf and its first cell at or after row and column 0, which may lie outside the
 * plane, as torch does. Selects, not branches: which column wins is random, and a branch the CPU
 * guesses wrong costs more than the work. */
static void columns_pass_with_indices(const float *plane, const float *row, const int32_t *row_at, int64_t real_rows,
                                      float *out, int64_t *at, int64_t i, const int64_t *g) {
    int64_t a_lo, a_hi, start = i * g[SH] - g[PH];
    real_taps(start, g[KH], g[DH], g[H], &a_lo, &a_hi);
    for (int64_t j = 0; j < g[OUT_W]; j++) {
        int64_t first = j * g[SW] - g[PW], b_lo, b_hi;
        real_taps(first, g[KW], g[DW], g[W], &b_lo, &b_hi);
        if (real_rows == 0 || b_lo >= b_hi) {
            out[j] = -INFINITY;
            at[j] = (start + a_lo * g[DH]) * g[W] + first + b_lo * g[DW];
            continue;
        }
        float best = -INFINITY;
        for (int64_t b = b_lo; b < b_hi; b++) best = nan_max(best, row[first + b * g[DW]]);
        int64_t pick;
        if (best != best) {
            pick = -1;
            for (int64_t b = b_lo; b < b_hi; b++) {
                int64_t c = first + b * g[DW], cell = row_at[c] * g[W] + c;
                pick = (row[c] != row[c]) & (cell > pick) ? cell : pick;
            }
        } else {
            pick = INT64_MAX;
            for (int64_t b = b_lo; b < b_hi; b++) {
                int64_t c = first + b * g[DW], cell = row_at[c] * g[W] + c;
                pick = (row[c] == best) & (cell < pick) ? cell : pick;
            }
        }
        at[j] = pick;
        out[j] = plane[pick];
    }
}

/* Max pooling of `planes` planes of x (H, W) into y (OUT_H, OUT_W), and, when `indices` is not NULL,
 * the flat offsets r*W + c of the maxima in their planes. The planes are cut into `parts` ranges, run
 * on OpenMP threads when the library was built with OpenMP (torch's own threads: see c_kernels.py);
 * part k uses `row_stride` floats of `rows` and int32s of `rows_at` from k * row_stride, W of each. */
void max_pool2d(const float *x, float *y, int64_t *indices, float *rows, int32_t *rows_at, int64_t planes,
                const int64_t *geometry, int64_t parts, int64_t row_stride) {
    int64_t g[12], j_lo, j_hi;
    memcpy(g, geometry, sizeof g);  /* a local copy: the stores to `indices` cannot change it */
    inner_outputs(g, &j_lo, &j_hi);
    #pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int64_t part = 0; part < parts; part++) {
        float *row = rows + part * row_stride;
        int32_t *row_at = indices == NULL ? NULL : rows_at + part * row_stride;
        for (int64_t p = planes * part / parts; p < planes * (part + 1) / parts; p++) {
            const float *plane = x + p * g[H] * g[W];
            for (int64_t i = 0; i < g[OUT_H]; i++) {
                int64_t o = (p * g[OUT_H] + i) * g[OUT_W];
                int64_t real_rows = rows_pass(plane, row, row_at, i, g);
                if (indices != NULL)
                    columns_pass_with_indices(plane, row, row_at, real_rows, y + o, indices + o, i, g);
                else if (real_rows == 0)
                    for (int64_t j = 0; j < g[OUT_W]; j++) y[o + j] = -INFINITY;
                else
                    columns_pass(row, y + o, g, j_lo, j_hi);
            }
        }
    }
}
