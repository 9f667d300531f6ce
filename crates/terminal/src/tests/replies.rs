//! Replies: DA, DSR, DECRQSS.

use super::*;

#[test]
fn device_attributes_and_status() {
    let mut t = T::new(10, 5);
    t.feed("\x1b[c");
    assert!(t.replies().starts_with("\x1b[?64;"));
    t.feed("\x1b[>c");
    assert!(t.replies().starts_with("\x1b[>1;"));
    t.feed("\x1b[5n\x1b[3;4H\x1b[6n\x1b[?6n");
    assert_eq!(t.replies(), "\x1b[0n\x1b[3;4R\x1b[?3;4;1R");
    t.feed("\x1b[>q");
    assert!(t.replies().starts_with("\x1bP>|uvterm("));
}

#[test]
fn decrqss_valid_and_invalid() {
    let mut t = T::new(10, 5);
    t.feed("\x1b[1;31m\x1bP$qm\x1b\\");
    assert_eq!(t.replies(), "\x1bP1$r0;1;31m\x1b\\");
    t.feed("\x1b[2;4r\x1bP$qr\x1b\\");
    assert_eq!(t.replies(), "\x1bP1$r2;4r\x1b\\");
    t.feed("\x1b[3 q\x1bP$q q\x1b\\");
    assert_eq!(t.replies(), "\x1bP1$r3 q\x1b\\");
    t.feed("\x1bP$q\x1b]evil\x1b\\");
    assert_eq!(t.replies(), "\x1bP0$r\x1b\\", "unknown request is not echoed");
}
