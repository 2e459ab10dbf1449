// The C interface Arrears uses: CBLAS from OpenBLAS and LAPACKE (Debian's
// libopenblas-dev and liblapacke-dev). Only the LinearAlgebra target imports this.
#ifndef ARREARS_CLINEARALGEBRA_SHIM_H
#define ARREARS_CLINEARALGEBRA_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
