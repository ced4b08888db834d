//! The upper halves of the vector registers, cleared after wide kernels.

/// Clears the upper halves of the vector registers after faer's kernels.
/// faer's AVX-512 kernels can leave them dirty, and then every SSE
/// instruction of libm's scalar `tanh`, `exp` and `log` pays a merge with
/// the dirty state: measured, `tanh` of 1797×32 elements took 14.3 ms after
/// one small product against 1.65 ms before (a training step of a small
/// network was 16× NumPy). `vzeroupper` is what compilers emit at the end
/// of AVX code for exactly this. Each piece of a split map clears it first
/// too ([`crate::parallel`]).
pub fn clear_upper_simd_state() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        #[allow(unsafe_code)]
        // SAFETY: the CPU supports AVX (checked above), which is all
        // `vzeroupper` needs; it changes no memory and no live value (the
        // upper halves are dead between calls).
        unsafe {
            zero_upper();
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[allow(unsafe_code)]
unsafe fn zero_upper() {
    std::arch::x86_64::_mm256_zeroupper();
}
