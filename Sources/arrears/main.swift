import ArrearsCLI
import LinearAlgebra

// OpenBLAS picks its kernels while loading; on CPUs it does not recognise (AMD Zen 4) it
// runs slower AVX2 kernels. Restart once with OPENBLAS_CORETYPE set (unless the user set
// it) before anything else runs (README, "Performance").
OpenBLAS.selectFasterCoreAtStartup()
ArrearsCommand.main()
