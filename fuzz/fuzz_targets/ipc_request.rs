//! Fuzz the IPC request decoder (`ipc::protocol::decode`, what the control socket runs on
//! every request line) and the reply encoder. Checks that nothing panics, that `send-text`
//! escapes never make more bytes than the line had (the line cap bounds what one request can
//! queue), and that any error message comes back as a well-formed reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uvterm::io::Request;
use uvterm::ipc::protocol;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    if let Ok(Request::Write { bytes, .. }) = protocol::decode(line) {
        assert!(
            bytes.len() <= line.len(),
            "send-text amplified {} into {}",
            line.len(),
            bytes.len()
        );
    }
    let reply = protocol::encode(Err(line.to_owned()));
    assert_eq!(reply.last(), Some(&b'\n'));
    assert!(!reply[..reply.len() - 1].contains(&b'\n'), "a reply is one line");
    let value: serde_json::Value = serde_json::from_slice(&reply).expect("reply is JSON");
    assert_eq!(value["ok"], false);
    assert_eq!(value["error"].as_str(), Some(line));
});
