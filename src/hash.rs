//! FNV-1a, 64 bits: a hash that stays the same across builds and releases (std's hasher may
//! change), for names and checksums of files uvterm writes for itself (the GL program cache,
//! the shell-integration directory). Not for anything that must resist an attacker.

/// FNV-1a's offset basis: the hash of no bytes.
pub const FNV1A_EMPTY: u64 = 0xcbf2_9ce4_8422_2325;

/// `hash` (of earlier bytes, or [`FNV1A_EMPTY`]) extended by `bytes`.
pub fn fnv1a_extend(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(FNV1A_EMPTY, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors_and_extends_piecewise() {
        // From the FNV reference (draft-eastlake-fnv): "" and "a" and "foobar".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(fnv1a_extend(fnv1a(b"foo"), b"bar"), fnv1a(b"foobar"));
    }
}
